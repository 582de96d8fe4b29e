import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** True when `head` starts with the gzip magic bytes 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.byteLength >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Peeks at the first bytes of `source` without consuming them. Returns whether it is gzip and a stream that
 * yields every byte of the original (the peeked bytes included).
 */
export async function sniffGzip(source: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const head = await readHead(source, 2);
  const out = new PassThrough();
  source.on('error', (e) => out.destroy(e));
  if (head.byteLength > 0) out.write(head);
  source.pipe(out);
  return { gzip: isGzip(head), stream: out };
}

/** The uncompressed bytes of `source`, gunzipping when it starts with the gzip magic. */
export async function maybeGunzip(source: Readable): Promise<Readable> {
  const { gzip, stream } = await sniffGzip(source);
  if (!gzip) return stream;
  const gunzip = createGunzip();
  stream.on('error', (e) => gunzip.destroy(e));
  return stream.pipe(gunzip);
}

function readHead(source: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const done = (err?: Error) => {
      source.off('readable', onReadable);
      source.off('end', onEnd);
      source.off('error', onError);
      if (err) reject(err);
      else resolve(Buffer.concat(parts, got));
    };
    const onReadable = () => {
      let c: Buffer | null;
      while (got < n && (c = source.read() as Buffer | null) !== null) {
        parts.push(c);
        got += c.byteLength;
      }
      if (got >= n) done();
    };
    const onEnd = () => done();
    const onError = (e: Error) => done(e);
    source.on('readable', onReadable);
    source.on('end', onEnd);
    source.on('error', onError);
    onReadable();
  });
}
