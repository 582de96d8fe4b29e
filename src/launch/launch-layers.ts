import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeId } from '../buildpack/index.js';
import { LifecycleError } from '../errors/index.js';
import { readLayerMetadataFile } from '../platform/index.js';

/**
 * A launch layer of the image (`[types] launch = true`, EP-05). `present` is false when its directory does
 * not exist at export time, i.e. the layer is reused from the previous image (EP-05, LY-07): the launcher
 * then reads that layer's files at run time (`scan` ops).
 */
export interface LaunchLayerRef {
  readonly buildpackId: string;
  readonly name: string;
  readonly present: boolean;
}

const NOT_LAYERS = new Set(['launch.toml', 'build.toml', 'store.toml']); // BL-10 [REF]

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The launch layers of each buildpack, in the given (metadata/group) order and layer-name order, from
 * `<layers>/<bp>/<layer>.toml` files. The exporter may pass its own layer plan to
 * `buildLaunchDescription` instead; this is the same selection made from disk.
 */
export async function findLaunchLayers(layersDir: string, buildpackIds: readonly string[]): Promise<LaunchLayerRef[]> {
  const out: LaunchLayerRef[] = [];
  for (const id of buildpackIds) {
    const bpDir = join(layersDir, escapeId(id));
    let names: string[];
    try {
      names = await readdir(bpDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new LifecycleError('ERR_IO', `failed to list ${bpDir}: ${code ?? String(e)}`, { cause: e });
    }
    const tomls = names.filter((n) => n.endsWith('.toml') && !NOT_LAYERS.has(n)).sort(compareBytes);
    for (const file of tomls) {
      const md = await readLayerMetadataFile(join(bpDir, file));
      if (!md?.types.launch) continue;
      const name = file.slice(0, -'.toml'.length);
      out.push({ buildpackId: id, name, present: await isDir(join(bpDir, name)) });
    }
  }
  return out;
}

/** Byte-wise (UTF-8) string order, the order of the C launcher's `strcmp` and of Go's `os.ReadDir`. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
