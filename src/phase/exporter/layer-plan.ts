import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeId } from '../../buildpack/index.js';
import { LifecycleError, wrapError } from '../../errors/index.js';
import {
  readLayerMetadataFile,
  readStoreToml,
  type GroupElement,
  type LayerTypes,
  type LifecycleMetadata,
  type TomlTable,
} from '../../platform/index.js';

/**
 * What to do with one buildpack layer (§7.1–7.3):
 * - `create`: tar `<layers>/<bp>/<layer>/` (launch and/or cache, LY-08);
 * - `reuse`: `launch = true` without a directory: the previous image's layer by diffID (EP-05, LY-07).
 */
export type LayerAction = 'create' | 'reuse';

/** One buildpack layer that goes into the image and/or the cache. */
export interface BuildpackLayerPlan {
  readonly buildpackId: string;
  readonly buildpackVersion: string;
  readonly name: string;
  /** `<layers>/<escaped bp>/<layer>` */
  readonly dir: string;
  readonly types: LayerTypes;
  /** `[metadata]` of `<layer>.toml` (label `data`, LBL-04). */
  readonly metadata: TomlTable;
  readonly action: LayerAction;
  /** diffID recorded for this layer in the previous image's label, if any (EP-05, EP-13). */
  readonly previousSha?: string;
}

/** One buildpack's part of the plan, in group order; `store` is store.toml's `[metadata]` (EP-28). */
export interface BuildpackPlan {
  readonly id: string;
  readonly version: string;
  readonly layers: readonly BuildpackLayerPlan[];
  readonly store?: TomlTable;
}

const NOT_LAYERS = new Set(['launch.toml', 'build.toml', 'store.toml']);

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Byte-wise name order (Go's sort of `os.ReadDir` names). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Plans the buildpack layers: group order, then layer name order (EP-12). Reads only `<layer>.toml`,
 * `store.toml` and whether each layer directory exists; never layer contents. Layers without `launch` or
 * `cache` are left out (EP-07, LY-09). Errors (exit 62): `launch` + `cache` without a directory (EP-06),
 * `launch` without a directory and no previous layer (EP-05), an unparsable `<layer>.toml` (EP-06).
 * A `cache`-only layer without a directory is skipped with a warning (EP-25 [REF]).
 */
export async function planBuildpackLayers(
  layersDir: string,
  group: readonly GroupElement[],
  previous: LifecycleMetadata,
  warn: (msg: string) => void,
): Promise<BuildpackPlan[]> {
  const out: BuildpackPlan[] = [];
  for (const bp of group) {
    const bpDir = join(layersDir, escapeId(bp.id));
    let names: string[] = [];
    try {
      names = (await readdir(bpDir)).sort(byteOrder);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw wrapError(e, 'ERR_IO', `read ${bpDir}`);
    }
    const prevBp = previous.buildpacks.find((b) => b.key === bp.id);
    const layers: BuildpackLayerPlan[] = [];
    for (const file of names) {
      if (!file.endsWith('.toml') || NOT_LAYERS.has(file)) continue;
      const name = file.slice(0, -'.toml'.length);
      let md;
      try {
        md = await readLayerMetadataFile(join(bpDir, file));
      } catch (e) {
        throw wrapError(e, 'ERR_EXPORT', `failed to read layer metadata ${join(bpDir, file)}`);
      }
      if (!md || (!md.types.launch && !md.types.cache)) continue; // EP-07, LY-09
      const dir = join(bpDir, name);
      const present = await isDir(dir);
      const previousSha = prevBp?.layers[name]?.sha || undefined;
      const base = { buildpackId: bp.id, buildpackVersion: bp.version, name, dir, types: md.types, metadata: md.metadata, ...(previousSha ? { previousSha } : {}) };
      if (present) {
        layers.push({ ...base, action: 'create' });
      } else if (md.types.launch && md.types.cache) {
        throw new LifecycleError('ERR_EXPORT', `layer '${bp.id}:${name}' is cache=true but has no contents`); // EP-06
      } else if (md.types.launch) {
        if (!previousSha) {
          // EP-05: reuse needs the previous image's layer
          throw new LifecycleError('ERR_EXPORT', `cannot reuse layer '${bp.id}:${name}': the previous image has no such layer`);
        }
        layers.push({ ...base, action: 'reuse' });
      } else {
        warn(`Layer '${bp.id}:${name}' is cache=true but has no contents; skipping it`); // EP-25 [REF]
      }
    }
    const store = await readStoreToml(join(bpDir, 'store.toml')).catch((e: unknown) => {
      throw wrapError(e, 'ERR_EXPORT', `failed to read ${join(bpDir, 'store.toml')}`);
    });
    out.push({ id: bp.id, version: bp.version, layers, ...(store ? { store: store.metadata } : {}) });
  }
  return out;
}
