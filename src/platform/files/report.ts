import { Fields } from './fields.js';
import { readToml, writeToml } from './toml-file.js';

/** report.toml (FMT-REPORT, FMT-11): what the exporter or rebaser wrote. Keys that do not apply are omitted. */
export interface Report {
  readonly image: {
    /** Every tag reference written. */
    readonly tags: readonly string[];
    /** Manifest digest (registry and layout exports). */
    readonly digest?: string;
    /** Image ID (daemon export; key `image-id`, ERRATA-15); written as REF does, the hex without `sha256:` (ERRATA-D3). */
    readonly imageId?: string;
    /** Manifest size in bytes ([REF] a TOML integer). */
    readonly manifestSize?: number;
  };
}

/** Writes report.toml atomically. */
export async function writeReport(file: string, r: Report): Promise<void> {
  await writeToml(file, {
    image: {
      tags: [...r.image.tags],
      ...(r.image.imageId ? { 'image-id': r.image.imageId.replace(/^sha256:/, '') } : {}),
      ...(r.image.digest ? { digest: r.image.digest } : {}),
      ...(r.image.manifestSize !== undefined ? { 'manifest-size': r.image.manifestSize } : {}),
    },
  });
}

/** Reads report.toml (for tests and for platforms embedding this library). */
export async function readReport(file: string): Promise<Report> {
  const f = new Fields(file, await readToml(file));
  const img = f.optTable('image');
  const size = img?.table['manifest-size'];
  return {
    image: {
      tags: img?.stringArray('tags') ?? [],
      ...(img?.optString('digest') ? { digest: img.optString('digest') } : {}),
      ...(img?.optString('image-id') ? { imageId: img.optString('image-id') } : {}),
      ...(size !== undefined ? { manifestSize: Number(size) } : {}),
    },
  };
}
