import { readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError, wrapError } from '../../errors/index.js';
import { isIgnoredLayer, readLayerMetadataFile, type LayerMetadataFile } from '../../platform/index.js';
import { compareStrings } from './processes.js';

/** A layer of one buildpack after its build: `<layers>/<bp>/<name>/` plus `<name>.toml`. */
export interface BuildpackLayer {
  readonly name: string;
  /** Absolute path of `<layers>/<bp>/<name>` (the directory may not exist). */
  readonly path: string;
  readonly metadata: LayerMetadataFile;
}

/** BL-10 [REF]: these files are buildpack outputs, never layer metadata. */
export const RESERVED_LAYER_NAMES: readonly string[] = ['launch', 'build', 'store'];

async function list(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw wrapError(e, 'ERR_IO', `read ${dir}`);
  }
}

/**
 * Reads every `<layer>.toml` of one buildpack's layers directory, in ascending name order (BL-09 [REF]),
 * and renames each layer whose flags are all false to `<layer>.ignore` (BL-07, LY-04). Layer directories
 * without a `.toml` are left in place [REF]. A bad `<layer>.toml` is ERR_TOML (exit 52).
 */
export async function processLayers(bpLayersDir: string, warn: (msg: string) => void = () => undefined): Promise<BuildpackLayer[]> {
  const entries = await list(bpLayersDir);
  const out: BuildpackLayer[] = [];
  const names = entries
    .filter((e) => !e.isDirectory() && e.name.endsWith('.toml'))
    .map((e) => e.name.slice(0, -'.toml'.length))
    .filter((n) => n !== '' && !RESERVED_LAYER_NAMES.includes(n))
    .sort(compareStrings);
  for (const e of entries) {
    if (e.isDirectory() && RESERVED_LAYER_NAMES.includes(e.name)) {
      warn(`${join(bpLayersDir, e.name)}: layers must not be named '${e.name}'; the directory is ignored (BL-10)`);
    }
  }
  for (const name of names) {
    const path = join(bpLayersDir, name);
    const metadata = await readLayerMetadataFile(`${path}.toml`);
    if (!metadata) continue;
    if (isIgnoredLayer(metadata.types)) await renameIgnored(path);
    out.push({ name, path, metadata });
  }
  return out;
}

async function renameIgnored(path: string): Promise<void> {
  try {
    await rename(path, `${path}.ignore`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') {
      throw new LifecycleError('ERR_BUILD', `cannot rename ignored layer ${path} to ${path}.ignore: ${code}`);
    }
    throw wrapError(e, 'ERR_IO', `rename ${path} to ${path}.ignore`);
  }
}
