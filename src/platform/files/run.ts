import { Fields } from './fields.js';
import { readTomlIfExists } from './toml-file.js';

/** One run image with its mirrors (FMT-RUN `[[images]]`, FMT-STACK `[run-image]`). */
export interface RunImageEntry {
  readonly image: string;
  readonly mirrors: readonly string[];
}

/**
 * Reads run.toml (≥0.12). A missing file gives no images (the caller decides: AN-07 requires -run-image then).
 * FMT-12: `mirrors` without `image` is invalid (ERR_TOML naming the file).
 */
export async function readRunToml(file: string): Promise<RunImageEntry[]> {
  const raw = await readTomlIfExists(file);
  if (!raw) return [];
  const f = new Fields(file, raw);
  return f.tables('images').map((e) => {
    const image = e.optString('image') ?? '';
    const mirrors = e.stringArray('mirrors');
    if (image === '' && mirrors.length > 0) e.fail('image', 'is required when mirrors are given');
    return { image, mirrors };
  });
}

/** Reads stack.toml (<0.12, FMT-STACK, FMT-13): the single `[run-image]`; undefined when missing. */
export async function readStackToml(file: string): Promise<RunImageEntry | undefined> {
  const raw = await readTomlIfExists(file);
  if (!raw) return undefined;
  const ri = new Fields(file, raw).optTable('run-image');
  if (!ri) return undefined;
  const image = ri.optString('image') ?? '';
  const mirrors = ri.stringArray('mirrors');
  if (image === '' && mirrors.length > 0) ri.fail('image', 'is required when mirrors are given');
  return image === '' ? undefined : { image, mirrors };
}
