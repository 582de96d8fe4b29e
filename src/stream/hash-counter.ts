import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Digest } from '../oci/index.js';

/**
 * An incremental sha256 + byte counter. `update` is synchronous and copies nothing; `digest()` finalizes once
 * (later calls return the same value). Which hash it is (diffID of a tar, digest of a blob) is the caller's.
 */
export class HashCounter {
  private readonly hash: Hash = createHash('sha256');
  private result: Digest | undefined;
  /** Bytes seen so far. */
  size = 0;

  /** Feeds one chunk. Throws after `digest()` was called. */
  update(chunk: Uint8Array): void {
    if (this.result !== undefined) throw new Error('HashCounter: update after digest');
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  /** The sha256 of everything fed so far, as `sha256:<hex>`; finalizes the hash. */
  digest(): Digest {
    this.result ??= `sha256:${this.hash.digest('hex')}` as Digest;
    return this.result;
  }
}

/**
 * A pass-through Transform that hashes (sha256) and counts the bytes flowing through it. Chunks are passed on
 * unchanged (no copy). After 'end'/'finish', `digest()` and `size` describe the whole stream.
 */
export class HashingStream extends Transform {
  private readonly counter = new HashCounter();

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.counter.update(chunk);
    cb(null, chunk);
  }

  /** sha256 of all bytes that passed (call after the stream ended). */
  digest(): Digest {
    return this.counter.digest();
  }

  /** Number of bytes that passed so far. */
  get size(): number {
    return this.counter.size;
  }
}

/** A new hashing + counting pass-through (sha256). */
export function hashingStream(): HashingStream {
  return new HashingStream();
}
