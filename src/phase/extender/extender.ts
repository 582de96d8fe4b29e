import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generatedDockerfilePath, generatedExtendConfigPath, escapeId } from '../../buildpack/index.js';
import { isLifecycleError, LifecycleError } from '../../errors/index.js';
import { LayerWriter } from '../../layer/index.js';
import { layerTypeFor } from '../../oci/index.js';
import { readDockerfile, readExtendConfig, RESERVED_BUILD_ARGS, type Analyzed, type ApiVersion, type Group, type ParsedDockerfile } from '../../platform/index.js';
import { NORMALIZED_TIME, type Logger } from '../../sys/index.js';
import { applyDockerfile } from './apply.js';
import { containerConfig, encodeImage, readBaseImage, writeExtendedRun, type ImageState } from './image-state.js';
import type { Spawner } from './run-command.js';
import { ignoredPaths } from './snapshot.js';
import { isRootUser, userArgs } from './users.js';

/** The extender service's inputs (§3.5); nothing comes from the process environment. */
export interface ExtenderInputs {
  readonly kind: 'build' | 'run';
  readonly platformApi: ApiVersion;
  readonly group: Group;
  readonly analyzed: Analyzed;
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  readonly generatedDir: string;
  /** `<extended>` (kind run, ≥0.12). */
  readonly extendedDir: string;
  /** `<kaniko-dir>`: the base image is read from `<kaniko-dir>/cache/base/<digest>`; scratch space too. */
  readonly kanikoDir: string;
  /** Where RUN executes: `/` in the container being extended ([REF]); a chroot directory in tests. */
  readonly rootDir: string;
  readonly logger: Logger;
  readonly spawn?: Spawner;
  /** XT-02 `build_id` source (default randomUUID). */
  readonly uuid?: () => string;
  /** The build's platform (default `process.platform`); extension is refused for `win32` (XT-09). */
  readonly platform?: NodeJS.Platform;
}

/** What the extension did. */
export interface ExtendResult {
  /** How many Dockerfiles were applied. */
  readonly applied: number;
  /** The extended image's `Env` (kind build: the build runs with it, [REF]). */
  readonly env: readonly string[];
  /** kind run: the sparse OCI layout written under `<extended>/run` (XT-08). */
  readonly layoutDir?: string;
  /** The manifest digest of the extended image (undefined when nothing was applied). */
  readonly digest?: string;
}

interface Planned {
  readonly extensionId: string;
  readonly dockerfile: ParsedDockerfile;
  readonly args: readonly { name: string; value: string }[];
  readonly contextDir: string;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}
async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** XT-01/XT-02/XT-03: the Dockerfiles of `kind` in group order, their extend-config args and build context. */
async function plan(i: ExtenderInputs): Promise<Planned[]> {
  const out: Planned[] = [];
  for (const ext of i.group.groupExtensions) {
    const path = generatedDockerfilePath(i.generatedDir, ext.id, i.kind, i.platformApi); // `.ignore` files never match
    if (!(await isFile(path))) continue;
    const config = await readExtendConfig(generatedExtendConfigPath(i.generatedDir, ext.id, i.kind, i.platformApi));
    let contextDir = i.appDir;
    if (i.platformApi.atLeast('0.13')) {
      const base = join(i.generatedDir, escapeId(ext.id));
      for (const c of [join(base, `context.${i.kind}`), join(base, 'context')]) {
        if (await isDir(c)) {
          contextDir = c;
          break;
        }
      }
    }
    i.logger.debug(`Found ${i.kind} Dockerfile for extension '${ext.id}'`);
    out.push({ extensionId: ext.id, dockerfile: await readDockerfile(path), args: config[i.kind], contextDir });
  }
  return out;
}

function parseBool(v: string | undefined): boolean {
  return v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

/**
 * The extender (§3.5, Linux only): applies each group extension's `<kind>` Dockerfile in order (XT-01) to the
 * build or run image from `<analyzed>` (XT-04), with the XT-02 build args and XT-03 context, daemonlessly
 * (see applyDockerfile). kind run: XT-06 rebasable label, XT-07 non-root user, XT-08 sparse OCI layout under
 * `<extended>/run`. kind build: the file system is changed in place and the extended Env is returned for the
 * build (XT-05, run by the caller). Errors are ERR_EXTEND (102).
 */
export async function extend(i: ExtenderInputs): Promise<ExtendResult> {
  if ((i.platform ?? process.platform) === 'win32') throw new LifecycleError('ERR_EXTEND', 'image extension is not supported for Windows builds'); // XT-09
  const log = i.logger;
  const planned = await plan(i);
  if (planned.length === 0) {
    log.info(`No ${i.kind}.Dockerfiles to apply`);
    return { applied: 0, env: [] };
  }
  const ref = i.kind === 'build' ? i.analyzed.buildImage?.reference : i.analyzed.runImage?.reference;
  if (!ref) throw new LifecycleError('ERR_EXTEND', `no ${i.kind} image reference in analyzed metadata to extend`);
  log.debug(`Extending base image for ${i.kind}: ${ref}`);
  const { state } = await readBaseImage(i.kanikoDir, ref);
  await mkdir(i.kanikoDir, { recursive: true });
  const work = await mkdtemp(join(i.kanikoDir, 'work.dir'));
  try {
    const writer = new LayerWriter({ artifactsDir: work, mediaType: layerTypeFor(state.manifest['mediaType'] as string) });
    const ignore = ignoredPaths(i.rootDir, [i.appDir, i.layersDir, i.platformDir, i.kanikoDir, i.generatedDir, i.extendedDir]);
    const cfg = containerConfig(state);
    const origUser = String(cfg['User'] ?? '');
    let rebasable = true; // XT-06 [REF]: the original base image's own value does not matter
    let baseImage = ref;
    for (const p of planned) {
      const args = new Map<string, string>();
      for (const a of p.args) {
        if (RESERVED_BUILD_ARGS.includes(a.name)) log.warn(`extension ${p.extensionId}: build arg '${a.name}' is provided by the lifecycle; the extend-config.toml value is ignored`);
        else args.set(a.name, a.value);
      }
      const { userId, groupId } = userArgs(String(cfg['User'] ?? ''));
      args.set('base_image', baseImage);
      args.set('build_id', (i.uuid ?? randomUUID)());
      args.set('user_id', userId);
      args.set('group_id', groupId);
      const prevUser = String(cfg['User'] ?? '');
      const r = await applyDockerfile(p.dockerfile, state, {
        extensionId: p.extensionId,
        buildArgs: args,
        contextDir: p.contextDir,
        root: { rootDir: i.rootDir, ...(i.spawn ? { spawn: i.spawn } : {}) },
        ignore,
        layerWriter: writer,
        logger: log,
      });
      rebasable = rebasable && parseBool(r.rebasableLabel); // XT-06: unset counts as false
      if (i.kind === 'run') cfg['Labels'] = { ...(cfg['Labels'] ?? {}), 'io.buildpacks.rebasable': String(rebasable) };
      const user = String(cfg['User'] ?? '');
      if (isRootUser(user)) log.warn(`Extension from ${p.dockerfile.file} changed the user ID from ${prevUser} to ${user}; this must not be the final user ID (a following extension must reset the user).`);
      baseImage = `base@${encodeImage(state, created()).manifestDigest}`;
    }
    const finalUser = String(cfg['User'] ?? '');
    if (i.kind === 'run' && isRootUser(finalUser)) {
      throw new LifecycleError('ERR_EXTEND', 'the final user ID is 0 (root); please add another extension that resets the user to non-root'); // XT-07
    }
    if (finalUser !== origUser) log.warn(`The original user ID was ${origUser} but the final extension left the user ID set to ${finalUser}.`);
    const env = ((cfg['Env'] as string[] | undefined) ?? []).slice();
    if (i.kind === 'build') return { applied: planned.length, env, digest: encodeImage(state, created()).manifestDigest };
    const layoutDir = await writeExtendedRun(i.extendedDir, state, created());
    log.info(`Extended run image written to ${layoutDir}`);
    return { applied: planned.length, env, layoutDir, digest: encodeImage(state, created()).manifestDigest };
  } catch (e) {
    if (isLifecycleError(e) && ['ERR_EXTEND', 'ERR_BUILDPACK_API'].includes(e.code)) throw e;
    throw new LifecycleError('ERR_EXTEND', `extend ${i.kind} image: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The `created` time of the extended image (the exporter sets the app image's own). */
function created(): string {
  return NORMALIZED_TIME.toISOString().replace(/\.000Z$/, 'Z');
}

export type { ImageState };
