/**
 * Fixture writer for spec tests: fake buildpacks as directories with buildpack.toml and shell scripts.
 *
 *   const dir = await writeBuildpack(buildpacksDir, {
 *     id: 'acme/node', version: '1.0.0', api: '0.10',
 *     detect: 'echo "[[provides]]\nname = \\"node\\"" > "$CNB_BUILD_PLAN_PATH"',   // body of bin/detect
 *     build: 'mkdir -p "$CNB_LAYERS_DIR/node"',                                    // body of bin/build
 *     extraToml: '[[targets]]\nos = "linux"',
 *   });
 *   await writeOrder(join(layers, 'order.toml'), [[{ id: 'acme/node', version: '1.0.0' }]]);
 *
 * Layout: `<buildpacksDir>/<id with / → _>/<version>/{buildpack.toml,bin/detect,bin/build}`; scripts are
 * `#!/bin/sh` + the body, mode 0755. Composite buildpacks get `order` and no bin/ scripts.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isRoot, runPhase, TEST_GID, TEST_UID, type PhaseRun, type RunOptions } from './run-phase.js';
import { chownR, makeTempDir } from './tmp.js';

/** A reference in an order group. */
export interface FixtureRef {
  readonly id: string;
  readonly version: string;
  readonly optional?: boolean;
}

/** A fixture buildpack; every field but `id` has a default. */
export interface FixtureBuildpack {
  readonly id: string;
  /** Default "0.0.1". */
  readonly version?: string;
  /** Buildpack API; default "0.12". */
  readonly api?: string;
  /** Body of bin/detect (after `#!/bin/sh`); default `exit 0`. `null` writes no bin/detect. */
  readonly detect?: string | null;
  /** Body of bin/build; default `exit 0`. `null` writes no bin/build. */
  readonly build?: string | null;
  /** Extra keys of the `[buildpack]` table, e.g. `{ 'clear-env': true, homepage: 'https://x' }`. */
  readonly info?: Readonly<Record<string, string | boolean | readonly string[]>>;
  /** Raw TOML appended to buildpack.toml (targets, stacks, metadata). */
  readonly extraToml?: string;
  /** Composite buildpack: its `[[order]]` groups (no bin/ scripts are written). */
  readonly order?: readonly (readonly FixtureRef[])[];
  /** File mode of the scripts; default 0o755. */
  readonly scriptMode?: number;
}

/** A TOML value for strings, booleans and string arrays. */
export function tomlValue(v: string | boolean | readonly string[]): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return `[${v.map((s) => JSON.stringify(s)).join(', ')}]`;
}

/** `[[<key>]] [[<key>.group]]` TOML for an order. */
export function orderToml(groups: readonly (readonly FixtureRef[])[], key = 'order'): string {
  return groups
    .map(
      (g) =>
        `[[${key}]]\n` +
        g.map((r) => `  [[${key}.group]]\n  id = ${tomlValue(r.id)}\n  version = ${tomlValue(r.version)}\n${r.optional ? '  optional = true\n' : ''}`).join(''),
    )
    .join('\n');
}

/** The directory a buildpack is written to. */
export function buildpackDir(buildpacksDir: string, id: string, version = '0.0.1'): string {
  return join(buildpacksDir, id.replaceAll('/', '_'), version);
}

async function script(path: string, body: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, mode);
}

/** Writes a fixture buildpack and returns its directory. */
export async function writeBuildpack(buildpacksDir: string, bp: FixtureBuildpack): Promise<string> {
  const version = bp.version ?? '0.0.1';
  const dir = buildpackDir(buildpacksDir, bp.id, version);
  await mkdir(dir, { recursive: true });
  const info = Object.entries(bp.info ?? {})
    .map(([k, v]) => `${k} = ${tomlValue(v)}\n`)
    .join('');
  const toml =
    `api = ${tomlValue(bp.api ?? '0.12')}\n\n[buildpack]\nid = ${tomlValue(bp.id)}\nversion = ${tomlValue(version)}\nname = ${tomlValue(`Fixture ${bp.id}`)}\n${info}\n` +
    (bp.order ? orderToml(bp.order) + '\n' : '') +
    (bp.extraToml ? `${bp.extraToml}\n` : '');
  await writeFile(join(dir, 'buildpack.toml'), toml);
  if (!bp.order) {
    const mode = bp.scriptMode ?? 0o755;
    if (bp.detect !== null) await script(join(dir, 'bin', 'detect'), bp.detect ?? 'exit 0', mode);
    if (bp.build !== null) await script(join(dir, 'bin', 'build'), bp.build ?? 'exit 0', mode);
  }
  return dir;
}

/** A fixture image extension (extension.toml + bin/detect, bin/generate); `detect: null` writes none (GE-04). */
export interface FixtureExtension {
  readonly id: string;
  readonly version?: string;
  readonly api?: string;
  readonly detect?: string | null;
  readonly generate?: string | null;
}

/** Writes a fixture extension under `<extensionsDir>/<escaped-id>/<version>` and returns its directory. */
export async function writeExtension(extensionsDir: string, ext: FixtureExtension): Promise<string> {
  const version = ext.version ?? '0.0.1';
  const dir = buildpackDir(extensionsDir, ext.id, version);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'extension.toml'), `api = ${tomlValue(ext.api ?? '0.12')}\n\n[extension]\nid = ${tomlValue(ext.id)}\nversion = ${tomlValue(version)}\n`);
  if (ext.detect !== null) await script(join(dir, 'bin', 'detect'), ext.detect ?? 'exit 0', 0o755);
  if (ext.generate !== null) await script(join(dir, 'bin', 'generate'), ext.generate ?? 'exit 0', 0o755);
  return dir;
}

/** Writes order.toml with the given buildpack groups. */
export async function writeOrder(path: string, groups: readonly (readonly FixtureRef[])[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, orderToml(groups) + '\n');
}

/** A shell snippet writing `toml` (a TOML text) to the build plan file of bin/detect. */
export function writePlan(toml: string): string {
  return `cat > "$CNB_BUILD_PLAN_PATH" <<'CNB_PLAN_EOF'\n${toml}\nCNB_PLAN_EOF`;
}

/** A temp build workspace: the usual directories, runnable as the test user (GEN-12). */
export interface Workspace {
  readonly root: string;
  readonly buildpacks: string;
  readonly layers: string;
  readonly app: string;
  readonly platform: string;
  readonly buildConfig: string;
  /** `<extensions>` (pass `-extensions` yourself; the flag exists from Platform 0.10). */
  readonly extensions: string;
  /** A scratch directory scripts may write to (e.g. `env -0 > "$OUT/a.env"`). */
  readonly out: string;
  /** The standard directory flags: -buildpacks -layers -app -platform. */
  readonly dirArgs: readonly string[];
  /** chowns the workspace to the test user (when root) and runs `phase` as that user. */
  run(phase: string, opts?: Omit<RunOptions, 'user'>): Promise<PhaseRun>;
  cleanup(): Promise<void>;
}

/** Creates a workspace under the OS temp dir; call `cleanup()` when done. */
export async function makeWorkspace(prefix = 'cnb-ws-'): Promise<Workspace> {
  const { dir: root, cleanup } = await makeTempDir(prefix);
  const sub = (n: string) => join(root, n);
  for (const d of ['buildpacks', 'extensions', 'layers', 'app', 'platform', 'build-config', 'out']) await mkdir(sub(d), { recursive: true });
  return {
    root,
    buildpacks: sub('buildpacks'),
    layers: sub('layers'),
    app: sub('app'),
    platform: sub('platform'),
    buildConfig: sub('build-config'),
    extensions: sub('extensions'),
    out: sub('out'),
    dirArgs: ['-buildpacks', sub('buildpacks'), '-layers', sub('layers'), '-app', sub('app'), '-platform', sub('platform')],
    async run(phase, opts = {}) {
      if (isRoot) await chownR(root, TEST_UID, TEST_GID);
      return runPhase(phase, { ...opts, user: { uid: TEST_UID, gid: TEST_GID } });
    },
    cleanup,
  };
}

/** Parses NUL-separated `NAME=value` text (`env -0`, `/proc/<pid>/environ`) into a map. */
export function parseEnv0(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of text.split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}
