import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { LifecycleError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { HashCounter } from './hash-counter.js';

/** What a verified stream must hash to. `size` < 0 or undefined means "size unknown, check the digest only". */
export interface Expected {
  readonly digest: Digest;
  readonly size?: number;
}

/**
 * A pass-through that checks sha256 and size at EOF (and fails as soon as the size is exceeded). Errors are
 * ERR_DIGEST naming `what` (for example "blob sha256:ab… of image x" or "layer file /a/b.tar.gz").
 */
export class VerifyingStream extends Transform {
  private readonly counter = new HashCounter();

  constructor(
    private readonly expected: Expected,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.counter.update(chunk);
    const max = this.expected.size;
    if (max !== undefined && max >= 0 && this.counter.size > max) {
      cb(new LifecycleError('ERR_DIGEST', `${this.what}: size exceeds the expected ${max} bytes`));
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const { digest, size } = this.expected;
    if (size !== undefined && size >= 0 && this.counter.size !== size) {
      cb(new LifecycleError('ERR_DIGEST', `${this.what}: size ${this.counter.size} does not match the expected ${size}`));
      return;
    }
    const got = this.counter.digest();
    if (got !== digest) {
      cb(new LifecycleError('ERR_DIGEST', `${this.what}: digest ${got} does not match the expected ${digest}`));
      return;
    }
    cb();
  }
}

/** Wraps `source` so that reading it to EOF verifies sha256 and size (ERR_DIGEST on mismatch). */
export function verifyStream(source: Readable, expected: Expected, what: string): Readable {
  const v = new VerifyingStream(expected, what);
  source.on('error', (e) => v.destroy(e));
  return source.pipe(v);
}
