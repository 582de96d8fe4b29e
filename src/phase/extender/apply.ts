import { chmod, cp, lchown, lstat, mkdir, readdir } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import { LifecycleError } from '../../errors/index.js';
import type { LayerWriter } from '../../layer/index.js';
import { argDeclarations, type DockerInstruction, type ParsedDockerfile } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { containerConfig, type ImageState, type Json } from './image-state.js';
import { runInRoot, type RunRoot } from './run-command.js';
import { diffEntries, diffSnapshots, isEmptyDiff, takeSnapshot } from './snapshot.js';
import { resolveUser } from './users.js';
import { keyValuePairs, lexWords } from './words.js';

/** Docker's PATH when the image sets none. */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Everything one Dockerfile application needs (XT-01..XT-03). */
export interface ApplyOptions {
  readonly extensionId: string;
  /** XT-02: build args (base_image, build_id, user_id, group_id and the extension's own). */
  readonly buildArgs: ReadonlyMap<string, string>;
  /** XT-03: the build context for COPY/ADD. */
  readonly contextDir: string;
  readonly root: RunRoot;
  /** Container paths never snapshotted (`<app>`, `<layers>`, `<platform>`, `<kaniko-dir>`, mounts). */
  readonly ignore: ReadonlySet<string>;
  readonly layerWriter: LayerWriter;
  readonly logger: Logger;
}

/** What applying one Dockerfile observed (XT-06). */
export interface ApplyResult {
  /** The value this Dockerfile's own LABEL instructions gave `io.buildpacks.rebasable` (undefined: unset). */
  readonly rebasableLabel?: string;
}

function envMap(cfg: Json): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of (cfg['Env'] as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) m.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return m;
}

function setEnv(cfg: Json, name: string, value: string): void {
  const env = ((cfg['Env'] as string[] | undefined) ?? []).filter((kv) => !kv.startsWith(`${name}=`));
  cfg['Env'] = [...env, `${name}=${value}`];
}

/** Glob match of one path segment (`*`, `?`). */
function segmentMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  return re.test(name);
}

/** COPY sources inside the context (no escape; `*`/`?` in the last segment). */
async function expandSources(contextDir: string, src: string): Promise<string[]> {
  const ctx = resolve(contextDir);
  const rel = posix.normalize(`/${src}`).slice(1);
  const full = resolve(ctx, rel);
  if (full !== ctx && !full.startsWith(`${ctx}/`)) throw new LifecycleError('ERR_EXTEND', `COPY source '${src}' is outside the build context`);
  if (!/[*?]/.test(basename(rel))) return [full];
  const dir = resolve(full, '..');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => segmentMatch(basename(rel), n)).sort().map((n) => join(dir, n));
}

/** Chowns the copies of `src`'s entries under `target` (never entries that were already there). */
async function chownCopied(src: string, target: string, uid: number, gid: number): Promise<void> {
  await lchown(target, uid, gid);
  const st = await lstat(src);
  if (st.isDirectory()) for (const n of await readdir(src)) await chownCopied(join(src, n), join(target, n), uid, gid);
}

/**
 * Applies one single-stage Dockerfile to `state` daemonlessly, the way [REF] kaniko does in the container
 * being extended: FROM names the current base (`${base_image}`, or the run image the generator selected),
 * ARG/ENV/LABEL/USER/WORKDIR/SHELL edit the config, RUN executes `/bin/sh -c` (or the exec form / SHELL)
 * inside the root file system, COPY/ADD copy from the build context (local sources only). After each RUN,
 * COPY, ADD and WORKDIR the root is snapshotted and the differences (with whiteouts for deletions) become one
 * new layer; no layer when nothing changed. Other instructions (CMD, EXPOSE, ...) are ignored with a warning.
 */
export async function applyDockerfile(d: ParsedDockerfile, state: ImageState, o: ApplyOptions): Promise<ApplyResult> {
  const stage = d.stages[0];
  if (!stage || d.stages.length > 1) throw new LifecycleError('ERR_EXTEND', `${d.file}: expected exactly one FROM`);
  const esc = d.escape;
  const root = o.root.rootDir;
  const cfg = containerConfig(state);
  const args = new Map<string, string>();
  const meta = new Map<string, string>();
  for (const ins of d.metaArgs) {
    for (const a of argDeclarations(ins)) {
      const v = o.buildArgs.get(a.name) ?? (a.default !== undefined ? lexWords(a.default, meta, { escape: esc, split: false })[0] : undefined);
      if (v !== undefined) meta.set(a.name, v);
    }
  }
  const from = lexWords(stage.baseName, meta, { escape: esc, split: false })[0] ?? '';
  o.logger.debug(`Applying ${d.file} (FROM ${from}) for extension ${o.extensionId}`);
  let rebasableLabel: string | undefined;
  const vars = () => new Map([...args, ...envMap(cfg)]); // ENV wins over ARG
  const where = (ins: DockerInstruction) => `${d.file}:${ins.line} ${ins.keyword}`;

  const snapshotLayer = async (ins: DockerInstruction, change: () => Promise<void>): Promise<void> => {
    const before = takeSnapshot(root, o.ignore);
    await change();
    const diff = diffSnapshots(before, takeSnapshot(root, o.ignore));
    if (isEmptyDiff(diff)) {
      o.logger.debug(`No files changed by ${where(ins)}; no layer`);
      return;
    }
    const file = await o.layerWriter.write(diffEntries(root, diff));
    state.added.push({ file, createdBy: `Layer: '${ins.keyword} ${ins.args}', Created by extension: ${o.extensionId}` });
    o.logger.debug(`${where(ins)}: new layer ${file.diffId} (${diff.changed.length} changed, ${diff.deleted.length} deleted)`);
  };

  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'ARG':
        for (const a of argDeclarations(ins)) {
          const v = o.buildArgs.get(a.name) ?? (a.default !== undefined ? lexWords(a.default, vars(), { escape: esc, split: false })[0] : undefined);
          if (v !== undefined) args.set(a.name, v);
        }
        break;
      case 'ENV':
        for (const [k, v] of keyValuePairs(ins.args, vars(), esc)) setEnv(cfg, k, v);
        break;
      case 'LABEL':
        for (const [k, v] of keyValuePairs(ins.args, vars(), esc)) {
          cfg['Labels'] = { ...(cfg['Labels'] ?? {}), [k]: v };
          if (k === 'io.buildpacks.rebasable') rebasableLabel = v;
        }
        break;
      case 'USER':
        cfg['User'] = lexWords(ins.args, vars(), { escape: esc, split: false })[0] ?? '';
        break;
      case 'SHELL':
        if (!ins.json || ins.json.length === 0) throw new LifecycleError('ERR_EXTEND', `${where(ins)}: SHELL requires the JSON form`);
        cfg['Shell'] = [...ins.json];
        break;
      case 'WORKDIR': {
        const dir = posix.resolve(cfg['WorkingDir'] || '/', lexWords(ins.args, vars(), { escape: esc, split: false })[0] ?? '/');
        cfg['WorkingDir'] = dir;
        await snapshotLayer(ins, () => mkdir(join(root, dir), { recursive: true }).then(() => undefined));
        break;
      }
      case 'RUN': {
        const env = envMap(cfg);
        for (const [k, v] of args) if (!env.has(k)) env.set(k, v);
        if (!env.has('PATH')) env.set('PATH', DEFAULT_PATH);
        const argv = ins.json ? [...ins.json] : [...((cfg['Shell'] as string[] | undefined) ?? ['/bin/sh', '-c']), ins.args];
        const { uid, gid } = resolveUser(root, (cfg['User'] as string | undefined) ?? '');
        o.logger.info(`RUN ${ins.args}`);
        await snapshotLayer(ins, () => runInRoot(o.root, { argv, workingDir: cfg['WorkingDir'] || '/', env: Object.fromEntries(env), uid, gid }, where(ins)));
        break;
      }
      case 'COPY':
      case 'ADD': {
        if (ins.flags['from'] !== undefined) throw new LifecycleError('ERR_EXTEND', `${where(ins)}: --from is not supported (single-stage Dockerfiles only)`);
        const words = ins.json ? ins.json.map((w) => lexWords(w, vars(), { escape: esc, split: false })[0] ?? '') : lexWords(ins.args, vars(), { escape: esc });
        if (words.length < 2) throw new LifecycleError('ERR_EXTEND', `${where(ins)}: requires a source and a destination`);
        const dest = words[words.length - 1] as string;
        const srcs = (await Promise.all(words.slice(0, -1).map((s) => {
          if (/^https?:\/\//.test(s)) throw new LifecycleError('ERR_EXTEND', `${where(ins)}: remote sources are not supported`);
          return expandSources(o.contextDir, s);
        }))).flat();
        // Without --chown copies belong to root: the extender runs as root, as kaniko does.
        const owner = ins.flags['chown'] !== undefined ? resolveUser(root, lexWords(ins.flags['chown'], vars(), { escape: esc, split: false })[0] ?? '') : undefined;
        const mode = ins.flags['chmod'] !== undefined ? parseInt(ins.flags['chmod'], 8) : undefined;
        const destAbs = posix.resolve(cfg['WorkingDir'] || '/', dest);
        await snapshotLayer(ins, async () => {
          const toDir = dest.endsWith('/') || srcs.length > 1;
          for (const src of srcs) {
            const st = await lstat(src).catch(() => {
              throw new LifecycleError('ERR_EXTEND', `${where(ins)}: source ${src} does not exist in the build context`);
            });
            // A directory source copies its contents; a file goes into dest/ or becomes dest.
            const target = st.isDirectory() ? join(root, destAbs) : join(root, toDir ? posix.join(destAbs, basename(src)) : destAbs);
            await mkdir(st.isDirectory() ? target : join(target, '..'), { recursive: true });
            await cp(src, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, force: true });
            if (owner) await chownCopied(src, target, owner.uid, owner.gid);
            if (mode !== undefined && !Number.isNaN(mode)) await chmod(target, mode);
          }
        });
        break;
      }
      default:
        o.logger.warn(`${where(ins)} is not supported by the extender and is ignored`);
    }
  }
  return rebasableLabel !== undefined ? { rebasableLabel } : {};
}
