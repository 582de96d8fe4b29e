import type { FileHandle } from 'node:fs/promises';
import { blockGzip, type HashCounter } from '../stream/index.js';

/** Where one pass writes and what it hashes. */
export interface GzipPassSinks {
  readonly level: number;
  /** sha256 + count of the tar bytes (diffID). */
  readonly diff: HashCounter;
  /** sha256 + count of the gzip bytes (digest, size). */
  readonly blob: HashCounter;
  readonly gzFh: FileHandle;
  readonly tarFh?: FileHandle;
  readonly signal?: AbortSignal;
}

async function writeAll(fh: FileHandle, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.byteLength) {
    const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
    off += bytesWritten;
  }
}

/**
 * One streaming pass: tar chunks → sha256 (diffID) [→ tar file] → block gzip → sha256 + count (digest,
 * size) → gz file. The blocks of the layer are compressed on the threadpool (src/stream block-gzip: fixed
 * 1 MiB blocks, each primed with the previous 32 KiB, one deflate stream), several at once, while the
 * producer walks, reads and encodes the next ones: one layer uses every core, and its digest stays
 * deterministic. Aborting `signal` stops the pass between chunks.
 */
export async function gzipPass(tar: AsyncIterable<Uint8Array>, sinks: GzipPassSinks): Promise<void> {
  const { diff, blob, gzFh, tarFh, signal } = sinks;
  signal?.throwIfAborted();
  async function* tapped(): AsyncGenerator<Uint8Array> {
    for await (const chunk of tar) {
      signal?.throwIfAborted();
      diff.update(chunk);
      if (tarFh) await writeAll(tarFh, chunk);
      yield chunk;
    }
  }
  for await (const out of blockGzip(tapped(), { level: sinks.level })) {
    signal?.throwIfAborted();
    blob.update(out);
    await writeAll(gzFh, out);
  }
}
