import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { LifecycleError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { HashCounter } from '../stream/index.js';
import { removeQuietly, tempName } from './durable-fs.js';

/** The result of streaming into a temp file: where it is, and the sha256/size of what was written. */
export interface TempFile {
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
}

/**
 * Streams `source` into a new temp file in `dir`, hashing (sha256) and counting as it goes, then fsyncs it.
 * When `expected` is given a digest or size mismatch throws ERR_DIGEST naming `what` and removes the file.
 * On any failure the temp file is removed; on success the caller renames it into place.
 */
export async function writeTemp(
  source: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  dir: string,
  what: string,
  expected?: { digest?: Digest; size?: number },
  signal?: AbortSignal,
): Promise<TempFile> {
  const path = tempName(dir, what);
  const counter = new HashCounter();
  const fh = await open(path, 'wx', 0o644);
  let ok = false;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      signal?.throwIfAborted();
      if (expected?.size !== undefined && counter.size + chunk.length > expected.size) {
        throw new LifecycleError('ERR_DIGEST', `${what}: more than the expected ${expected.size} bytes`);
      }
      counter.update(chunk);
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off)).bytesWritten;
    }
    await fh.sync();
    const digest = counter.digest();
    const size = counter.size;
    if (expected?.size !== undefined && size !== expected.size) {
      throw new LifecycleError('ERR_DIGEST', `${what}: size ${size} != expected ${expected.size}`);
    }
    if (expected?.digest !== undefined && digest !== expected.digest) {
      throw new LifecycleError('ERR_DIGEST', `${what}: digest ${digest} != expected ${expected.digest}`);
    }
    ok = true;
    return { path, digest, size };
  } finally {
    await fh.close();
    if (!ok) {
      await removeQuietly(path);
      if (typeof (source as Readable).destroy === 'function') (source as Readable).destroy();
    }
  }
}
