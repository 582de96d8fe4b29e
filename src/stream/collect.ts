import { LifecycleError, type ErrorCode } from '../errors/index.js';

/**
 * Reads a stream (any async iterable of bytes) to the end into one Buffer. With `max`, fails with `code`
 * (default ERR_IO) once more than `max` bytes arrived, naming `what`.
 */
export async function collect(
  source: AsyncIterable<Uint8Array | string>,
  options: { max?: number; what?: string; code?: ErrorCode } = {},
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    const b = typeof c === 'string' ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    size += b.byteLength;
    if (options.max !== undefined && size > options.max) {
      throw new LifecycleError(options.code ?? 'ERR_IO', `${options.what ?? 'stream'}: larger than the limit of ${options.max} bytes`);
    }
    chunks.push(b);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
}
