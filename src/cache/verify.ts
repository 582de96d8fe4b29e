import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Digest } from '../oci/index.js';
import { HashCounter, verifyStream, type Expected } from '../stream/index.js';

/**
 * `verifyStream` (src/stream) plus two things a disk cache needs: the file is closed when the reader stops
 * early, and `onBad` runs synchronously on a digest mismatch before any other error listener (used to evict
 * a corrupt blob so that the next `has` is false).
 */
export function verified(source: Readable, expected: Expected, what: string, onBad?: () => void): Readable {
  const out = verifyStream(source, expected, what);
  out.on('close', () => source.destroy());
  if (onBad) {
    out.on('error', (e) => {
      if ((e as { code?: string }).code === 'ERR_DIGEST') onBad();
    });
  }
  return out;
}

/** sha256 and size of a file, in one read. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ digest: Digest; size: number }> {
  const counter = new HashCounter();
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) counter.update(chunk);
  return { digest: counter.digest(), size: counter.size };
}
