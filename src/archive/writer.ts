import { closeSync, openSync, readSync } from 'node:fs';
import { open as openAsync } from 'node:fs/promises';
import { LifecycleError } from '../errors/index.js';
import type { TarEntry } from './entry.js';
import { END_OF_ARCHIVE, encodeHeader, writeUstarInto } from './header.js';

/** Output chunk size: big enough to amortize hashing/gzip/write calls, small enough to keep memory flat. */
export const TAR_CHUNK_SIZE = 1 << 20;
/** Files up to this size are read synchronously straight into the output chunk (no per-file stream). */
const SYNC_READ_MAX = 1 << 20;
/**
 * Synchronous work (walk, small-file reads) between two event-loop turns: at most this many entries or bytes
 * read synchronously (about 1-2 ms here). Without the turns, a 1 MiB chunk of small files kept the event loop
 * blocked for ~7 ms, so completions of the consumer's asynchronous stages (zlib on the threadpool, writes)
 * waited and the stages ran one after the other (bench/RESULTS.md, bench 1b). Counted in work, not in time,
 * so that a descheduled process does not yield after every entry.
 */
const SLICE_ENTRIES = 64;
const SLICE_BYTES = 256 << 10;

/** Resolves on the next event-loop turn (after pending I/O callbacks). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Encodes entries into a tar byte stream, yielded as chunks of about TAR_CHUNK_SIZE bytes (LY-26: the
 * entries' order is kept as given, which the walker makes sorted).
 *
 * Performance: headers and small file contents are written into one preallocated chunk; a file on disk
 * (`entry.source`) of up to 1 MiB is read with `readSync` directly into that chunk (no per-file stream, no
 * extra copy); bigger files are read asynchronously in 1 MiB blocks. Every yielded Buffer is fresh, so the
 * consumer may keep it (a write stream does). Synchronous work is cut into slices (SLICE_ENTRIES, SLICE_BYTES) with
 * an event-loop turn between them, so the consumer's asynchronous stages (zlib on the threadpool) keep going.
 */
export async function* tarChunks(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  let chunk = Buffer.allocUnsafe(TAR_CHUNK_SIZE);
  let pos = 0;
  /** Returns the filled part and starts a new chunk. */
  const take = (): Buffer => {
    const out = chunk.subarray(0, pos);
    chunk = Buffer.allocUnsafe(TAR_CHUNK_SIZE);
    pos = 0;
    return out;
  };
  /** Copies `bytes` in, yielding full chunks; big buffers are passed through without a copy. */
  function* put(bytes: Uint8Array): Generator<Buffer> {
    if (bytes.byteLength >= TAR_CHUNK_SIZE) {
      if (pos > 0) yield take();
      yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return;
    }
    let off = 0;
    while (off < bytes.byteLength) {
      const n = Math.min(bytes.byteLength - off, TAR_CHUNK_SIZE - pos);
      chunk.set(bytes.subarray(off, off + n), pos);
      pos += n;
      off += n;
      if (pos === TAR_CHUNK_SIZE) yield take();
    }
  }

  let sliceEntries = 0;
  let sliceBytes = 0;
  for await (const entry of entries) {
    if (++sliceEntries > SLICE_ENTRIES || sliceBytes > SLICE_BYTES) {
      await nextTurn();
      sliceEntries = 0;
      sliceBytes = 0;
    }
    const size = entry.type === 'file' ? (entry.data?.byteLength ?? entry.size ?? 0) : 0;
    if (TAR_CHUNK_SIZE - pos < 512) yield take();
    if (writeUstarInto(entry, size, chunk, pos)) {
      pos += 512;
      if (pos === TAR_CHUNK_SIZE) yield take();
    } else {
      yield* put(encodeHeader(entry, size));
    }
    if (size === 0) continue;
    if (entry.data) {
      yield* put(entry.data);
    } else if (entry.source !== undefined && size <= SYNC_READ_MAX) {
      if (TAR_CHUNK_SIZE - pos < size) yield take();
      readFileInto(entry.source, chunk, pos, size);
      pos += size;
      sliceBytes += size;
      if (pos === TAR_CHUNK_SIZE) yield take();
    } else if (entry.source !== undefined) {
      if (pos > 0) yield take();
      for await (const block of readLargeFile(entry.source, size)) yield block;
    } else if (entry.open) {
      let got = 0;
      for await (const part of await entry.open()) {
        got += part.byteLength;
        if (got > size) throw changed(entry.path, size, got);
        yield* put(part);
      }
      if (got !== size) throw changed(entry.path, size, got);
    } else {
      throw new LifecycleError('ERR_TAR', `tar entry ${entry.path}: a file of ${size} bytes has no content source`);
    }
    const rem = size % 512;
    if (rem !== 0) {
      const n = 512 - rem;
      if (TAR_CHUNK_SIZE - pos < n) yield take();
      chunk.fill(0, pos, pos + n);
      pos += n;
      if (pos === TAR_CHUNK_SIZE) yield take();
    }
  }
  yield* put(END_OF_ARCHIVE);
  if (pos > 0) yield take();
}

function changed(path: string, want: number, got: number): LifecycleError {
  return new LifecycleError('ERR_TAR', `${path}: file changed while archiving (expected ${want} bytes, got ${got})`);
}

function readFileInto(path: string, buf: Buffer, at: number, size: number): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new LifecycleError('ERR_IO', `read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, at + got, size - got, got);
      if (n === 0) throw changed(path, size, got);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
}

async function* readLargeFile(path: string, size: number): AsyncGenerator<Buffer> {
  const fh = await openAsync(path, 'r').catch((e: Error) => {
    throw new LifecycleError('ERR_IO', `read ${path}: ${e.message}`, { cause: e });
  });
  try {
    let got = 0;
    while (got < size) {
      const want = Math.min(TAR_CHUNK_SIZE, size - got);
      const buf = Buffer.allocUnsafe(want);
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await fh.read(buf, filled, want - filled, got + filled);
        if (bytesRead === 0) throw changed(path, size, got + filled);
        filled += bytesRead;
      }
      got += want;
      yield buf;
    }
  } finally {
    await fh.close();
  }
}
