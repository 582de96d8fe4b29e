import { Readable } from 'node:stream';
import { MediaTypes, sha256Digest, type Digest } from '../oci/index.js';
import { blockGzipSync } from '../stream/index.js';
import type { Layer } from './types.js';

/**
 * A layer held in memory (small generated layers, tests). From tar bytes it makes the block gzip at level 1
 * synchronously: the same bytes, so the same digest, as LayerWriter gives for that tar; `gz` may be given to
 * keep existing compressed bytes.
 */
export class BufferLayer implements Layer {
  readonly tar: Buffer;
  readonly gz: Buffer;
  private readonly ids: { diffId: Digest; digest: Digest };

  constructor(tar: Uint8Array, gz?: Uint8Array, private readonly type: string = MediaTypes.ociLayerGzip) {
    this.tar = Buffer.from(tar);
    this.gz = gz ? Buffer.from(gz) : blockGzipSync(this.tar, 1);
    this.ids = { diffId: sha256Digest(this.tar), digest: sha256Digest(this.gz) };
  }

  async diffId(): Promise<Digest> {
    return this.ids.diffId;
  }

  async digest(): Promise<Digest> {
    return this.ids.digest;
  }

  async size(): Promise<number> {
    return this.gz.byteLength;
  }

  async mediaType(): Promise<string> {
    return this.type;
  }

  async compressed(): Promise<Readable> {
    return Readable.from([this.gz]);
  }

  async uncompressed(): Promise<Readable> {
    return Readable.from([this.tar]);
  }
}

/** A Layer over in-memory tar bytes (gzip computed once, level 1). */
export function bufferLayer(tar: Uint8Array, gz?: Uint8Array): BufferLayer {
  return new BufferLayer(tar, gz);
}
