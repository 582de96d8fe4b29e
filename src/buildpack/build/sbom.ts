import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError, wrapError } from '../../errors/index.js';
import type { LayerTypes } from '../../platform/index.js';
import { compareStrings } from './processes.js';

/** LY-18: SBOM file extension → media type. */
export const SBOM_MEDIA_TYPES: Readonly<Record<string, string>> = {
  'cdx.json': 'application/vnd.cyclonedx+json',
  'spdx.json': 'application/spdx+json',
  'syft.json': 'application/vnd.syft+json',
};

/** Where a copy of an SBOM file goes under `<layers>/sbom/` (BL-20). */
export type SbomKind = 'launch' | 'build' | 'cache';

/** One SBOM file written by a buildpack, and one destination it is copied to. */
export interface SbomFile {
  readonly buildpackId: string;
  /** The layer name, or undefined for `launch.sbom.<ext>` / `build.sbom.<ext>`. */
  readonly layerName?: string;
  readonly kind: SbomKind;
  /** `cdx.json`, `spdx.json` or `syft.json`. */
  readonly ext: string;
  readonly path: string;
}

/**
 * Finds one buildpack's SBOM files (`*.sbom.*.json`, BL-19) and classifies them (BL-20):
 * `launch.sbom.<ext>` → launch, `build.sbom.<ext>` → build, `<layer>.sbom.<ext>` → launch when the layer is
 * `launch = true`, else build, plus cache when `cache = true`. A layer SBOM without `<layer>.toml` is skipped
 * [REF]. An unknown extension, or a media type missing from the buildpack's `sbom-formats`, is ERR_BUILD (52).
 */
export async function findSbomFiles(
  bpLayersDir: string,
  buildpackId: string,
  layers: ReadonlyMap<string, LayerTypes>,
  sbomFormats: readonly string[],
): Promise<SbomFile[]> {
  let names: string[];
  try {
    names = (await readdir(bpLayersDir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw wrapError(e, 'ERR_IO', `read ${bpLayersDir}`);
  }
  const declared = new Set(sbomFormats.map((f) => f.split(';')[0]!.trim()));
  const out: SbomFile[] = [];
  for (const name of names.sort(compareStrings)) {
    const m = /^(.+)\.sbom\.([^/]+\.json)$/.exec(name);
    if (!m) continue;
    const [, owner, ext] = m as unknown as [string, string, string];
    const path = join(bpLayersDir, name);
    const add = (kind: SbomKind, layerName?: string) =>
      out.push({ buildpackId, kind, ext, path, ...(layerName !== undefined ? { layerName } : {}) });
    if (owner === 'launch') add('launch');
    else if (owner === 'build') add('build');
    else {
      const types = layers.get(owner);
      if (!types) continue;
      add(types.launch ? 'launch' : 'build', owner);
      if (types.cache) add('cache', owner);
    }
    const mediaType = SBOM_MEDIA_TYPES[ext];
    if (!mediaType) throw new LifecycleError('ERR_BUILD', `unsupported SBOM format: '${path}'`);
    if (!declared.has(mediaType)) {
      throw new LifecycleError('ERR_BUILD', `SBOM type '${mediaType}' of '${path}' not declared for buildpack '${buildpackId}' (sbom-formats)`);
    }
  }
  return out;
}

/**
 * BL-20 [REF]: copies SBOM files to `<layers>/sbom/<kind>/<escaped-bp-id>/[<layer>/]sbom.<ext>`.
 */
export async function copySbomFiles(layersDir: string, files: readonly SbomFile[]): Promise<void> {
  for (const f of files) {
    const dir = join(layersDir, 'sbom', f.kind, f.buildpackId.replace(/\//g, '_'), ...(f.layerName !== undefined ? [f.layerName] : []));
    try {
      await mkdir(dir, { recursive: true });
      await copyFile(f.path, join(dir, `sbom.${f.ext}`));
    } catch (e) {
      throw wrapError(e, 'ERR_IO', `copy SBOM ${f.path}`);
    }
  }
}
