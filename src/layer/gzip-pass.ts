import type { FileHandle } from 'node:fs/promises';
import type { TransformOptions } from 'node:stream';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import type { HashCounter } from '../stream/index.js';

/**
 * zlib output buffer: one threadpool job per 1 MiB tar chunk. Node's default (16 KiB) took ~30 round trips
 * through the event loop per chunk. The buffer size changes no output byte (deflate's output does not depend
 * on how its input and output buffers are cut; test/unit/bench/gzip-bytes.test.ts checks it).
 */
const ZLIB_CHUNK = 1 << 20;
/** Tar chunks queued for zlib while the next one is being produced (bounds memory to a few MiB per layer). */
const AHEAD = 3;

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

function write(gz: Gzip, chunk: Uint8Array): Promise<void> {
  const p = new Promise<void>((resolve, reject) => {
    gz.write(chunk, (e) => (e ? reject(e) : resolve()));
  });
  p.catch(() => undefined); // awaited later; never an unhandled rejection
  return p;
}

/**
 * One streaming pass: tar chunks → sha256 (diffID) [→ tar file] → gzip → sha256 + count (digest, size) → gz
 * file. Unlike `stream.pipeline`, which waits for zlib to drain each chunk completely before asking for the
 * next (so the tar producer and zlib took turns), this keeps up to AHEAD chunks queued in zlib while the
 * producer makes the next one: on two cores walking/reading and compressing overlap. The gzip bytes are those
 * of a single zlib stream over the whole tar (deterministic digests).
 */
export async function gzipPass(tar: AsyncIterable<Uint8Array>, sinks: GzipPassSinks): Promise<void> {
  const { diff, blob, gzFh, tarFh, signal } = sinks;
  signal?.throwIfAborted();
  // Stream options pass through to the Transform; a 1 MiB readable buffer lets zlib finish a job while the
  // consumer is still writing the previous output.
  const options: ZlibOptions & TransformOptions = { level: sinks.level, chunkSize: ZLIB_CHUNK, readableHighWaterMark: ZLIB_CHUNK };
  const gz = createGzip(options);
  let fail: (e: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  gz.on('error', fail);
  const onAbort = () => fail(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const drained = (async () => {
    for await (const c of gz as AsyncIterable<Buffer>) {
      blob.update(c);
      await writeAll(gzFh, c);
    }
  })();
  drained.catch(fail);
  const queued: Array<Promise<void>> = [];
  try {
    for await (const chunk of tar) {
      diff.update(chunk);
      if (tarFh) await Promise.race([writeAll(tarFh, chunk), failed]);
      queued.push(write(gz, chunk));
      if (queued.length > AHEAD) await Promise.race([queued.shift(), failed]);
    }
    gz.end();
    await Promise.race([Promise.all([...queued, drained]), failed]);
  } catch (e) {
    gz.destroy();
    await drained.catch(() => undefined);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
