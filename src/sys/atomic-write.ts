import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** A temp-file name in the same directory as `path`, so that rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory, then rename. Parent directories are
 * created. The temp file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data, mode === undefined ? {} : { mode });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
