import { constants, crc32, deflateRaw, deflateRawSync, type ZlibOptions } from 'node:zlib';

/**
 * Block gzip: one gzip member holding ONE deflate stream, made of independently compressed blocks so that
 * the blocks of one layer compress on every core (the libuv threadpool), and still deterministic.
 *
 * The uncompressed input is cut at fixed offsets (every GZIP_BLOCK_SIZE bytes, whatever the sizes of the
 * chunks it arrives in). Block k is compressed by its own raw deflate stream, primed with the last 32 KiB
 * of block k-1 as its dictionary (so matches reach back across the cut, as in one stream) and ended with a
 * sync flush (byte aligned, not final). After the last block comes a final empty block (`03 00`). The bytes
 * depend only on the input, the level and Node's bundled zlib: never on timing, thread count, chunking or the
 * operating system (the gzip header is written here, with OS = 255 "unknown", instead of zlib's per-OS
 * byte). Any gzip reader sees an ordinary single-member gzip file.
 */
export const GZIP_BLOCK_SIZE = 1 << 20;
/** deflate's window: how much of the previous block primes the next one. */
const WINDOW = 32 << 10;
/** Blocks being compressed at once per stream (the threadpool has 4 threads by default). */
const DEFAULT_AHEAD = 4;

/** gzip member header: magic, CM=8 (deflate), no flags, MTIME 0, XFL 0, OS 255. */
export const GZIP_HEADER: Buffer = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
/** A final, empty, fixed-Huffman deflate block: ends the deflate stream after the sync-flushed blocks. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** The end of the member: the final empty block, CRC-32 and ISIZE (size mod 2^32), little-endian. */
export function gzipTrailer(crc: number, size: number): Buffer {
  const out = Buffer.alloc(FINAL_BLOCK.length + 8);
  FINAL_BLOCK.copy(out, 0);
  out.writeUInt32LE(crc >>> 0, 2);
  out.writeUInt32LE(size % 2 ** 32, 6);
  return out;
}

function blockOptions(level: number, dict: Uint8Array | undefined, size: number): ZlibOptions {
  // One output buffer holds the whole compressed block (deflate's bound for 1 MiB at any level is < +1%).
  const options: ZlibOptions = { level, finishFlush: constants.Z_SYNC_FLUSH, chunkSize: size + (size >> 6) + 1024 };
  if (dict && dict.byteLength > 0) options.dictionary = dict;
  return options;
}

/** Compresses one block on the threadpool. */
export function deflateBlock(block: Uint8Array, dict: Uint8Array | undefined, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    deflateRaw(block, blockOptions(level, dict, block.byteLength), (e, out) => (e ? reject(e) : resolve(out)));
  });
}

/** The block gzip of an in-memory buffer, synchronously (the same bytes as `blockGzip`). */
export function blockGzipSync(data: Uint8Array, level: number): Buffer {
  const parts: Buffer[] = [GZIP_HEADER];
  for (let off = 0; off < data.byteLength; off += GZIP_BLOCK_SIZE) {
    const block = data.subarray(off, Math.min(data.byteLength, off + GZIP_BLOCK_SIZE));
    const dict = off === 0 ? undefined : data.subarray(off - WINDOW, off);
    parts.push(deflateRawSync(block, blockOptions(level, dict, block.byteLength)));
  }
  parts.push(gzipTrailer(crc32(data), data.byteLength));
  return Buffer.concat(parts);
}

/** Options of `blockGzip`. */
export interface BlockGzipOptions {
  readonly level: number;
  /** Blocks compressed at once (bounds memory to about 2 × ahead × GZIP_BLOCK_SIZE). Default 4. */
  readonly ahead?: number;
}

/**
 * Streams the block gzip of `source`: yields the compressed bytes in order while up to `ahead` blocks are
 * being compressed on the threadpool, so the producer of `source` (walking, reading, tar encoding) overlaps
 * with compression on the other cores. Errors of the source or of zlib are thrown to the consumer.
 * Contract: the producer never reuses a buffer it has yielded (blocks and dictionaries may be views of it).
 */
export async function* blockGzip(source: AsyncIterable<Uint8Array>, options: BlockGzipOptions): AsyncGenerator<Buffer> {
  const ahead = Math.max(1, options.ahead ?? DEFAULT_AHEAD);
  const pending: Array<Promise<Buffer>> = [];
  let prev: Buffer | undefined;
  let block = Buffer.allocUnsafe(GZIP_BLOCK_SIZE);
  let fill = 0;
  let crc = 0;
  let size = 0;
  const submit = (b: Buffer): void => {
    const dict = prev ? prev.subarray(prev.byteLength - WINDOW) : undefined;
    const p = deflateBlock(b, dict, options.level);
    p.catch(() => undefined); // awaited in order below; never an unhandled rejection
    pending.push(p);
    prev = b;
  };
  yield GZIP_HEADER;
  for await (const chunk of source) {
    crc = crc32(chunk, crc);
    size += chunk.byteLength;
    let off = 0;
    while (off < chunk.byteLength) {
      if (fill === 0 && chunk.byteLength - off >= GZIP_BLOCK_SIZE) {
        // A whole block straight from the input, without a copy (the input chunk is not reused by its producer).
        submit(Buffer.from(chunk.buffer, chunk.byteOffset + off, GZIP_BLOCK_SIZE));
        off += GZIP_BLOCK_SIZE;
      } else {
        const n = Math.min(chunk.byteLength - off, GZIP_BLOCK_SIZE - fill);
        block.set(chunk.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === GZIP_BLOCK_SIZE) {
          submit(block);
          block = Buffer.allocUnsafe(GZIP_BLOCK_SIZE);
          fill = 0;
        }
      }
      while (pending.length > ahead) yield await (pending.shift() as Promise<Buffer>);
    }
  }
  if (fill > 0) submit(block.subarray(0, fill));
  while (pending.length > 0) yield await (pending.shift() as Promise<Buffer>);
  yield gzipTrailer(crc, size);
}
