import { Fields } from './fields.js';
import { readTomlIfExists, writeToml, type TomlTable } from './toml-file.js';
import { LifecycleError } from '../../errors/index.js';

/** The `[types]` flags of a layer (FMT-LAYER, §7.1). A missing table or flag means false (FMT-17). */
export interface LayerTypes {
  readonly launch: boolean;
  readonly build: boolean;
  readonly cache: boolean;
}

/** `<layers>/<bp>/<layer>.toml` (Layer Content Metadata). */
export interface LayerMetadataFile {
  readonly types: LayerTypes;
  /** The free-form `[metadata]` table (BP≥0.12 may hold `exec-env`); empty when absent. */
  readonly metadata: TomlTable;
}

/** All flags false: the layer is ignored (BL-07, LY-04). */
export const NO_LAYER_TYPES: LayerTypes = Object.freeze({ launch: false, build: false, cache: false });

/** True when no flag is set: the layer is renamed `<layer>.ignore` after the buildpack's build (BL-07). */
export function isIgnoredLayer(t: LayerTypes): boolean {
  return !t.launch && !t.build && !t.cache;
}

/**
 * Parses Layer Content Metadata. BL-08/FMT-18 [REF]: `launch`, `build` or `cache` at top level (outside
 * `[types]`) is an error (ERR_TOML; the builder maps it to exit 52).
 */
export function layerMetadataFromToml(file: string, raw: TomlTable): LayerMetadataFile {
  const f = new Fields(file, raw);
  for (const k of ['launch', 'build', 'cache']) {
    if (f.has(k)) {
      throw new LifecycleError('ERR_TOML', `${file}: the launch, cache and build flags should be in the types table (found top-level '${k}')`);
    }
  }
  const t = f.optTable('types');
  return {
    types: { launch: t?.bool('launch') ?? false, build: t?.bool('build') ?? false, cache: t?.bool('cache') ?? false },
    metadata: f.optRawTable('metadata') ?? {},
  };
}

/** Reads `<layer>.toml`; undefined when the file does not exist. */
export async function readLayerMetadataFile(file: string): Promise<LayerMetadataFile | undefined> {
  const raw = await readTomlIfExists(file);
  return raw === undefined ? undefined : layerMetadataFromToml(file, raw);
}

/** The `exec-env` list of a layer's `[metadata]` (BP≥0.12); undefined when absent or malformed. */
export function layerExecEnv(md: LayerMetadataFile): string[] | undefined {
  const v = md.metadata['exec-env'];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/**
 * Writes `<layer>.toml`. With `withTypes: false` only `[metadata]` is written, which is what the restorer
 * must do (RS-05, FMT-17: a restored file never carries `[types]`).
 */
export async function writeLayerMetadataFile(file: string, md: LayerMetadataFile, opts: { withTypes: boolean }): Promise<void> {
  await writeToml(file, {
    ...(opts.withTypes ? { types: { launch: md.types.launch, build: md.types.build, cache: md.types.cache } } : {}),
    metadata: md.metadata,
  });
}
