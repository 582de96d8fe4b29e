import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifecycleError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';

/** A file written once into a spool directory, named by the sha256 of its bytes. */
export interface SpooledFile {
  readonly path: string;
  /** sha256 of the file's bytes. For a layer tar this is its diffID. */
  readonly digest: Digest;
  readonly size: number;
}

/** A pass-through that hashes (sha256) and counts what flows through it. */
export class HashCounter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
  /** The digest; call only after the stream ended. */
  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}` as Digest;
  }
}

/**
 * A pass-through that fails at EOF unless the bytes hash to `expected` (and, when given, count `size`):
 * every blob from outside is verified at the boundary (DESIGN §5.5). `what` names the blob in the error.
 */
export function verifying(expected: Digest, what: string, size?: number): Transform {
  const hash = createHash('sha256');
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      n += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== expected) return cb(new LifecycleError('ERR_DIGEST', `${what}: content has digest ${got}, expected ${expected}`));
      if (size !== undefined && n !== size) return cb(new LifecycleError('ERR_DIGEST', `${what}: content has ${n} bytes, expected ${size}`));
      cb();
    },
  });
}

/**
 * Streams `source` into `dir`, hashing as it writes, then renames the temp file to `<hex>` (content-addressed,
 * so a second copy of the same bytes costs nothing). With `expected`, a mismatch is ERR_DIGEST and nothing stays.
 */
export async function spoolToDir(source: Readable, dir: string, opts: { expected?: Digest; what?: string; signal?: AbortSignal } = {}): Promise<SpooledFile> {
  const tmp = join(dir, `.spool-${process.pid}-${randomBytes(6).toString('hex')}`);
  const counter = new HashCounter();
  try {
    await pipeline(source, counter, createWriteStream(tmp), opts.signal ? { signal: opts.signal } : {});
    const digest = counter.digest();
    if (opts.expected !== undefined && digest !== opts.expected) {
      throw new LifecycleError('ERR_DIGEST', `${opts.what ?? 'blob'}: content has digest ${digest}, expected ${opts.expected}`);
    }
    const path = join(dir, digest.slice('sha256:'.length));
    await rename(tmp, path);
    return { path, digest, size: counter.size };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Opens a spooled or cached file as a stream, verified against `digest` at EOF. */
export async function openVerified(path: string, digest: Digest, what: string): Promise<{ stream: Readable; size: number }> {
  const { size } = await stat(path);
  const file = createReadStream(path);
  const check = verifying(digest, what, size);
  file.on('error', (e) => check.destroy(e));
  return { stream: file.pipe(check), size };
}
