import { Fields } from './fields.js';
import { readTomlIfExists, writeToml, type TomlTable } from './toml-file.js';

/**
 * `<layers>/<bp>/store.toml`: buildpack data persisted across builds through the image label (never the
 * cache). Only `[metadata]` is meaningful.
 */
export interface StoreToml {
  readonly metadata: TomlTable;
}

/** Reads store.toml; undefined when the file does not exist. */
export async function readStoreToml(file: string): Promise<StoreToml | undefined> {
  const raw = await readTomlIfExists(file);
  if (raw === undefined) return undefined;
  return { metadata: new Fields(file, raw).optRawTable('metadata') ?? {} };
}

/** Writes store.toml (restorer: from the previous image's label). */
export async function writeStoreToml(file: string, s: StoreToml): Promise<void> {
  await writeToml(file, { metadata: s.metadata });
}
