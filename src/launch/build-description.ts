import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeId } from '../buildpack/index.js';
import { parseEnvFileName, readEnvDir, type EnvOs } from '../env/index.js';
import { LifecycleError } from '../errors/index.js';
import { ApiVersion, checkBuildpackApi, type BuildMetadata, type MetadataProcess } from '../platform/index.js';
import type { DescOp, DescProcess, LaunchDescription } from './description.js';
import { compareBytes, type LaunchLayerRef } from './launch-layers.js';

/** Inputs of `buildLaunchDescription`. */
export interface BuildLaunchDescriptionOptions {
  /** `<layers>` at export time (absolute). */
  readonly layersDir: string;
  /** `<app>` (absolute). */
  readonly appDir: string;
  /** `<layers>/config/metadata.toml` as read by `readBuildMetadata`. */
  readonly metadata: BuildMetadata;
  /** The image's launch layers (`findLaunchLayers` or the exporter's layer plan). */
  readonly launchLayers: readonly LaunchLayerRef[];
  /** The image OS (default linux): `lib` → LD_LIBRARY_PATH only on Linux, `.bat` profiles on Windows. */
  readonly os?: EnvOs;
}

/** Non-directory entries of `dir` (symlinks followed), byte-sorted; [] when it does not exist. */
async function listFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new LifecycleError('ERR_IO', `failed to list files in dir ${dir}: ${code ?? String(e)}`, { cause: e });
  }
  const out: string[] = [];
  for (const n of names.sort(compareBytes)) {
    const s = await stat(join(dir, n)).catch(() => undefined);
    if (s && !s.isDirectory()) out.push(n);
  }
  return out;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** LN-03/LN-04: the API-dependent launch decisions for one metadata process. */
function describeProcess(p: MetadataProcess, md: BuildMetadata): DescProcess {
  const api = ApiVersion.tryParse(md.buildpacks.find((b) => b.id === p.buildpackId)?.api);
  const modern = api !== undefined && api.atLeast('0.9'); // BP≥0.9: always direct, user args replace args
  return {
    type: p.type,
    buildpackId: p.buildpackId,
    command: [...p.command],
    args: [...p.args],
    direct: p.direct || modern,
    argsMode: modern || p.command.length > 1 ? 'replace' : 'append',
    workingDir: p.workingDir ?? '',
    isDefault: md.buildpackDefaultProcessType === p.type,
    execEnv: [...(p.execEnv ?? [])],
  };
}

/** EF-01..EF-07: one env directory as `env` ops (verbatim values, `.delim` of the same directory). */
async function envOps(dir: string, scope: string): Promise<DescOp[]> {
  const files = await readEnvDir(dir);
  const delims = new Map<string, string>();
  for (const f of files) {
    const m = parseEnvFileName(f.file, 'override');
    if (m && 'delim' in m) delims.set(m.name, f.value);
  }
  const ops: DescOp[] = [];
  for (const f of files) {
    const m = parseEnvFileName(f.file, 'override');
    if (!m || 'delim' in m) continue;
    if (f.value.includes('\0')) throw new LifecycleError('ERR_IO', `env file ${join(dir, f.file)} contains a NUL byte`);
    ops.push({ kind: 'env', scope, action: m.action, name: m.name, value: f.value, delim: delims.get(m.name) ?? '' });
  }
  return ops;
}

/**
 * Builds the launch description from metadata.toml and the launch layer directories (LN-01..LN-11):
 * processes with their API decisions; then, per buildpack in metadata order: every layer's bin/lib
 * (LN-08 [REF]: all root dirs of a buildpack before its env files), then each layer's `env/`,
 * `env.launch/`, `env.launch/<type>/` (EF-08); exec.d and profile.d per layer, `<dir>/*` then
 * `<dir>/<type>/*` (ERRATA-11). Layers absent at export become `scan` ops.
 */
export async function buildLaunchDescription(o: BuildLaunchDescriptionOptions): Promise<LaunchDescription> {
  const md = o.metadata;
  const linux = (o.os ?? 'linux') === 'linux';
  for (const bp of md.buildpacks) checkBuildpackApi(bp.api, `buildpack ${bp.id}`, 'metadata.toml'); // LN-14
  const types = [...new Set(md.processes.map((p) => p.type))].sort(compareBytes);
  const byBp = md.buildpacks.map((bp) => ({
    bp,
    layers: o.launchLayers.filter((l) => l.buildpackId === bp.id).sort((a, b) => compareBytes(a.name, b.name)),
  }));
  const rel = (l: LaunchLayerRef, ...sub: string[]) => [escapeId(l.buildpackId), l.name, ...sub].join('/');
  const abs = (l: LaunchLayerRef, ...sub: string[]) => join(o.layersDir, escapeId(l.buildpackId), l.name, ...sub);

  const envPhase: DescOp[] = [];
  for (const { layers } of byBp) {
    for (const l of layers) {
      if (!l.present) {
        envPhase.push({ kind: 'scan', what: 'root', path: rel(l) });
        continue;
      }
      if (await isDir(abs(l, 'bin'))) envPhase.push({ kind: 'root', name: 'PATH', path: rel(l, 'bin') });
      if (linux && (await isDir(abs(l, 'lib')))) envPhase.push({ kind: 'root', name: 'LD_LIBRARY_PATH', path: rel(l, 'lib') });
    }
    for (const l of layers) {
      if (!l.present) {
        envPhase.push({ kind: 'scan', what: 'env', path: rel(l) });
        continue;
      }
      envPhase.push(...(await envOps(abs(l, 'env'), '')), ...(await envOps(abs(l, 'env.launch'), '')));
      for (const t of types) envPhase.push(...(await envOps(abs(l, 'env.launch', t), t))); // EF-10
    }
  }

  const fileOps = async (kind: 'execd' | 'profile'): Promise<DescOp[]> => {
    const sub = kind === 'execd' ? 'exec.d' : 'profile.d';
    const keep = (n: string) => kind === 'execd' || linux || n.toLowerCase().endsWith('.bat');
    const ops: DescOp[] = [];
    for (const { layers } of byBp) {
      for (const l of layers) {
        if (!l.present) {
          ops.push({ kind: 'scan', what: kind, path: rel(l) });
          continue;
        }
        for (const f of (await listFiles(abs(l, sub))).filter(keep)) ops.push({ kind, scope: '', path: rel(l, sub, f) });
        for (const t of types) {
          for (const f of (await listFiles(abs(l, sub, t))).filter(keep)) ops.push({ kind, scope: t, path: rel(l, sub, t, f) });
        }
      }
    }
    return ops;
  };

  return {
    appDir: o.appDir,
    ...(md.buildpackDefaultProcessType ? { defaultType: md.buildpackDefaultProcessType } : {}),
    buildpacks: md.buildpacks.map((b) => ({ id: b.id, api: b.api })),
    processes: md.processes.map((p) => describeProcess(p, md)),
    ops: [...envPhase, ...(await fileOps('execd')), ...(await fileOps('profile'))],
  };
}
