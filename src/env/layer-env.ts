import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { applyEnvFiles, readEnvDir, type EnvFile } from './env-files.js';
import { getVar, pathListSeparator, setVar, type EnvMap, type EnvOptions } from './env-map.js';
import { buildRootDirs, launchRootDirs, type RootDirMap } from './path-vars.js';

/** The env-relevant contents of one layer directory, read once so the application stays pure. */
export interface LayerEnvInput {
  /** Absolute layer directory. */
  readonly dir: string;
  /** Which of bin/lib/include/pkgconfig exist in the layer. */
  readonly rootSubdirs: readonly string[];
  /** `env/` files (ascending). */
  readonly env: readonly EnvFile[];
  /** `env.build/` (build) or `env.launch/` (launch) files. */
  readonly phaseEnv: readonly EnvFile[];
  /** Launch only: `env.launch/<process>/` files of the selected process type (EF-10). */
  readonly processEnv?: readonly EnvFile[];
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads one layer for the build env (ENV-11 step 2): root subdirs, `env/`, `env.build/`. */
export async function readBuildLayerEnv(layerDir: string): Promise<LayerEnvInput> {
  const dir = resolve(layerDir);
  const rootSubdirs: string[] = [];
  for (const sub of ['bin', 'include', 'lib', 'pkgconfig']) if (await isDir(join(dir, sub))) rootSubdirs.push(sub);
  return { dir, rootSubdirs, env: await readEnvDir(join(dir, 'env')), phaseEnv: await readEnvDir(join(dir, 'env.build')) };
}

/** Reads one layer for the launch env (LN-08, EF-09/EF-10): `env/`, `env.launch/`, `env.launch/<process>/`. */
export async function readLaunchLayerEnv(layerDir: string, processType?: string): Promise<LayerEnvInput> {
  const dir = resolve(layerDir);
  const rootSubdirs: string[] = [];
  for (const sub of ['bin', 'lib']) if (await isDir(join(dir, sub))) rootSubdirs.push(sub);
  return {
    dir,
    rootSubdirs,
    env: await readEnvDir(join(dir, 'env')),
    phaseEnv: await readEnvDir(join(dir, 'env.launch')),
    ...(processType ? { processEnv: await readEnvDir(join(dir, 'env.launch', processType)) } : {}),
  };
}

/**
 * ENV-09: prepends `<layer>/<sub>` to each variable mapped from the subdirectories present, with the OS path
 * list separator (none when the variable is empty). Called per layer in ascending name order, so later
 * layers and later buildpacks come first (ERRATA-13).
 */
export function prependRootDirs(env: EnvMap, layer: Pick<LayerEnvInput, 'dir' | 'rootSubdirs'>, map: RootDirMap, opts: EnvOptions = {}): EnvMap {
  let out = env;
  for (const sub of layer.rootSubdirs) {
    for (const name of map[sub] ?? []) {
      const cur = getVar(out, name, opts);
      const p = join(layer.dir, sub);
      out = setVar(out, name, cur === '' ? p : p + pathListSeparator(opts) + cur, opts);
    }
  }
  return out;
}

/**
 * ENV-11 step 2 for one `build = true` layer of an earlier buildpack: prepend root dirs, then apply
 * `env/` and `env.build/` (unsuffixed = override, EF-01).
 */
export function applyBuildLayer(env: EnvMap, layer: LayerEnvInput, opts: EnvOptions = {}): EnvMap {
  let out = prependRootDirs(env, layer, buildRootDirs(opts), opts);
  out = applyEnvFiles(out, layer.env, 'override', opts);
  return applyEnvFiles(out, layer.phaseEnv, 'override', opts);
}

/**
 * LN-08 / EF-09 for one launch layer: prepend bin/lib, then `env/`, `env.launch/` and, when a process type
 * was selected, `env.launch/<process>/` (EF-10).
 */
export function applyLaunchLayer(env: EnvMap, layer: LayerEnvInput, opts: EnvOptions = {}): EnvMap {
  let out = prependRootDirs(env, layer, launchRootDirs(opts), opts);
  out = applyEnvFiles(out, layer.env, 'override', opts);
  out = applyEnvFiles(out, layer.phaseEnv, 'override', opts);
  return layer.processEnv ? applyEnvFiles(out, layer.processEnv, 'override', opts) : out;
}

/**
 * Applies the build layers of earlier buildpacks: `layerDirs` must already be filtered to `build = true`
 * layers and ordered by buildpack (group order), then layer name ascending (EF-08).
 */
export async function applyBuildLayers(env: EnvMap, layerDirs: readonly string[], opts: EnvOptions = {}): Promise<EnvMap> {
  let out = env;
  for (const d of layerDirs) out = applyBuildLayer(out, await readBuildLayerEnv(d), opts);
  return out;
}

/**
 * The launch env (ENV-12, LN-08): for each buildpack layers directory (`<layers>/<escaped-id>`, group
 * order), every layer subdirectory in ascending name order ([REF] EF-09: all directories are used).
 */
export async function applyLaunchLayers(env: EnvMap, buildpackLayerDirs: readonly string[], processType: string | undefined, opts: EnvOptions = {}): Promise<EnvMap> {
  let out = env;
  for (const bpDir of buildpackLayerDirs) {
    let names: string[];
    try {
      names = (await readdir(bpDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const n of names) out = applyLaunchLayer(out, await readLaunchLayerEnv(join(bpDir, n), processType), opts);
  }
  return out;
}
