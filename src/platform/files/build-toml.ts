import { Fields } from './fields.js';
import { readTomlIfExists } from './toml-file.js';
import { readLegacyBom, type LegacyBomEntry } from './launch.js';

/** `<layers>/<bp>/build.toml` (buildpack → lifecycle). */
export interface BuildToml {
  /** `[[unmet]]` names: Buildpack Plan entries the buildpack did not satisfy (BL-06). */
  readonly unmet: readonly { readonly name: string }[];
  /** Deprecated (BP 0.7) `[[bom]]` entries; REF ignores them for BP≥0.7 with a warning. */
  readonly bom: readonly LegacyBomEntry[];
}

/** Reads build.toml; a missing file reads as empty. `unmet.name` may be "" here: the builder rejects it (BL-06). */
export async function readBuildToml(file: string): Promise<BuildToml> {
  const raw = await readTomlIfExists(file);
  if (raw === undefined) return { unmet: [], bom: [] };
  const f = new Fields(file, raw);
  return {
    unmet: f.tables('unmet').map((u) => ({ name: u.optString('name') ?? '' })),
    bom: readLegacyBom(f),
  };
}
