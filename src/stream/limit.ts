import { Transform, type TransformCallback } from 'node:stream';
import { LifecycleError, type ErrorCode } from '../errors/index.js';

/**
 * A pass-through that fails with `code` (default ERR_IO) once more than `max` bytes passed; guards reads of
 * manifests, configs and other JSON from outside against unbounded input.
 */
export class SizeLimitStream extends Transform {
  private seen = 0;

  constructor(
    private readonly max: number,
    private readonly what: string,
    private readonly code: ErrorCode = 'ERR_IO',
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.byteLength;
    if (this.seen > this.max) {
      cb(new LifecycleError(this.code, `${this.what}: larger than the limit of ${this.max} bytes`));
      return;
    }
    cb(null, chunk);
  }
}

/** A new size-limiting pass-through. */
export function sizeLimit(max: number, what: string, code?: ErrorCode): SizeLimitStream {
  return new SizeLimitStream(max, what, code);
}
