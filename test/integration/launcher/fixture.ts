/**
 * Test images for the native launcher: a temp root with `layers/` (metadata.toml, launch layers with env
 * files, exec.d programs, profile.d scripts), `app/`, and `cnb/process/<type>` symlinks to a freshly built
 * launcher. The description is produced by src/launch exactly as the exporter does.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { prepareLaunchDescription } from '../../../src/launch/index.js';
import { ApiVersion, writeBuildMetadata, type BuildMetadata, type MetadataProcess } from '../../../src/platform/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Builds the static launcher into a temp dir (once per test file) and returns its path. */
export function buildLauncher(dir: string): string {
  const out = join(dir, 'launcher');
  execFileSync('bash', [join(ROOT, 'phases', 'launcher', 'build.sh'), out], { stdio: 'pipe' });
  return out;
}

/** A file in a layer: text (mode 0644) or `{ text, mode }`. */
export type FileSpec = string | { readonly text: string; readonly mode: number };

/** One launch layer: its files by relative path; `absent` layers exist only at run time (EP-05 reuse). */
export interface LayerSpec {
  readonly files?: Readonly<Record<string, FileSpec>>;
  readonly absent?: boolean;
}

/** A buildpack with its API and launch layers. */
export interface BuildpackSpec {
  readonly id: string;
  readonly api?: string;
  readonly layers?: Readonly<Record<string, LayerSpec>>;
}

/** The image to create. */
export interface ImageSpec {
  readonly platformApi?: string;
  readonly buildpacks: readonly BuildpackSpec[];
  readonly processes?: readonly (Partial<MetadataProcess> & { type: string; command: readonly string[] })[];
  readonly defaultType?: string;
  readonly appFiles?: Readonly<Record<string, FileSpec>>;
}

/** A created image on disk. */
export interface TestImage {
  readonly root: string;
  readonly layers: string;
  readonly app: string;
  readonly platformApi: string;
  /** Writes the files of layers marked `absent` (as the previous image's layer would provide them). */
  materializeAbsent(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function writeFiles(dir: string, files: Readonly<Record<string, FileSpec>>): Promise<void> {
  for (const [rel, spec] of Object.entries(files)) {
    const p = join(dir, rel);
    await mkdir(dirname(p), { recursive: true });
    const text = typeof spec === 'string' ? spec : spec.text;
    await writeFile(p, text);
    await chmod(p, typeof spec === 'string' ? 0o644 : spec.mode);
  }
}

/** An executable shell script file spec. */
export function script(body: string): FileSpec {
  return { text: `#!/bin/sh\n${body}\n`, mode: 0o755 };
}

export async function makeImage(launcher: string, spec: ImageSpec): Promise<TestImage> {
  const root = await mkdtemp(join(tmpdir(), 'ln-img-'));
  const layers = join(root, 'layers');
  const app = join(root, 'app');
  const platformApi = spec.platformApi ?? '0.15';
  await mkdir(join(layers, 'config'), { recursive: true });
  await mkdir(app, { recursive: true });
  if (spec.appFiles) await writeFiles(app, spec.appFiles);
  const absent: [string, Readonly<Record<string, FileSpec>>][] = [];
  for (const bp of spec.buildpacks) {
    const bpDir = join(layers, bp.id.replaceAll('/', '_'));
    await mkdir(bpDir, { recursive: true });
    for (const [name, l] of Object.entries(bp.layers ?? {})) {
      await writeFile(join(bpDir, `${name}.toml`), '[types]\nlaunch = true\n');
      if (l.absent) absent.push([join(bpDir, name), l.files ?? {}]);
      else {
        await mkdir(join(bpDir, name), { recursive: true });
        await writeFiles(join(bpDir, name), l.files ?? {});
      }
    }
  }
  const md: BuildMetadata = {
    ...(spec.defaultType ? { buildpackDefaultProcessType: spec.defaultType } : {}),
    buildpacks: spec.buildpacks.map((b) => ({ id: b.id, version: '1.0.0', api: b.api ?? '0.12' })),
    extensions: [],
    labels: [],
    processes: (spec.processes ?? []).map((p) => ({
      args: [],
      direct: false,
      buildpackId: spec.buildpacks[0]?.id ?? '',
      ...p,
    })),
    slices: [],
    bom: [],
  };
  await writeBuildMetadata(join(layers, 'config', 'metadata.toml'), md, ApiVersion.parse(platformApi));
  await prepareLaunchDescription({ layersDir: layers, appDir: app });
  await mkdir(join(root, 'cnb', 'process'), { recursive: true });
  await mkdir(join(root, 'cnb', 'lifecycle'), { recursive: true });
  await symlink(launcher, join(root, 'cnb', 'lifecycle', 'launcher'));
  for (const p of md.processes) await symlink(launcher, join(root, 'cnb', 'process', p.type)).catch(() => undefined);
  return {
    root,
    layers,
    app,
    platformApi,
    async materializeAbsent() {
      for (const [dir, files] of absent) {
        await mkdir(dir, { recursive: true });
        await writeFiles(dir, files);
      }
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** How to start the launcher. */
export interface RunOptions {
  /** A process type (runs `<root>/cnb/process/<type>`) or undefined for `/cnb/lifecycle/launcher`. */
  readonly type?: string;
  readonly args?: readonly string[];
  /** Extra env; `undefined` values remove a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The container env the exporter would set (EP-15, ERRATA-14), plus `extra`. */
export function imageEnv(img: TestImage, extra: RunOptions['env'] = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: '/cnb/process:/cnb/lifecycle:/usr/local/bin:/usr/bin:/bin',
    HOME: '/root',
    CNB_PLATFORM_API: img.platformApi,
    CNB_DEPRECATION_MODE: 'quiet',
    CNB_LAYERS_DIR: img.layers,
    CNB_APP_DIR: img.app,
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function run(img: TestImage, o: RunOptions = {}): SpawnSyncReturns<string> {
  const exe = o.type ? join(img.root, 'cnb', 'process', o.type) : join(img.root, 'cnb', 'lifecycle', 'launcher');
  return spawnSync(exe, [...(o.args ?? [])], { env: imageEnv(img, o.env), encoding: 'utf8', cwd: '/' });
}

/** Parses `KEY=value` lines printed by the test apps (`env` output). */
export function envLines(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) r[line.slice(0, i)] = line.slice(i + 1);
  }
  return r;
}

/** The test app: prints its cwd, pid and argv, then its whole env, NUL-separated (see `parseShow`). */
export const SHOW_APP = script(
  [
    `printf '@pwd=%s\\0' "$(pwd)"`,
    `printf '@pid=%s\\0' "$$"`,
    `for a in "$@"; do printf '@arg=%s\\0' "$a"; done`,
    'exec env -0',
  ].join('\n'),
);

/** What SHOW_APP printed. */
export interface Shown {
  readonly pwd: string;
  readonly pid: number;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export function parseShow(out: string): Shown {
  const r: Shown = { pwd: '', pid: 0, args: [], env: {} };
  for (const item of out.split('\0')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const k = item.slice(0, i);
    const v = item.slice(i + 1);
    if (k === '@pwd') (r as { pwd: string }).pwd = v;
    else if (k === '@pid') (r as { pid: number }).pid = Number(v);
    else if (k === '@arg') r.args.push(v);
    else r.env[k] = v;
  }
  return r;
}
