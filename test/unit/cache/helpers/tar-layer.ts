/** Test helper: small in-memory layers (tar via tar-stream, gzip via zlib) implementing the Layer contract. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Layer } from '../../../../src/image/index.js';
import { MediaTypes, type Digest } from '../../../../src/oci/index.js';

export function sha(b: Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
}

/** A reproducible tar of `files` (name → content), in the given order. */
export async function makeTar(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) {
    pack.entry({ name, mtime: new Date(315532801000), uid: 0, gid: 0, mode: 0o644 }, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A Layer over in-memory bytes; counts how often its readers are opened. */
export interface TestLayer extends Layer {
  readonly tar: Buffer;
  readonly gz: Buffer;
  opens: { compressed: number; uncompressed: number };
}

export function bufferLayer(tarBytes: Buffer): TestLayer {
  const gz = gzipSync(tarBytes, { level: 1 });
  const opens = { compressed: 0, uncompressed: 0 };
  return {
    tar: tarBytes,
    gz,
    opens,
    diffId: async () => sha(tarBytes),
    digest: async () => sha(gz),
    size: async () => gz.length,
    mediaType: async () => MediaTypes.ociLayerGzip,
    compressed: async () => {
      opens.compressed++;
      return Readable.from([gz]);
    },
    uncompressed: async () => {
      opens.uncompressed++;
      return Readable.from([tarBytes]);
    },
  };
}

export async function tarLayer(files: Record<string, string>): Promise<TestLayer> {
  return bufferLayer(await makeTar(files));
}

export async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
