import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isGzipLayerType, type Descriptor, type Digest } from '../oci/index.js';
import { verifyStream } from '../stream/index.js';
import type { ImageCore, Layer } from './types.js';

/**
 * A lazy layer of an ImageCore: diffID (from the config) and digest/size (from the manifest) are known
 * without I/O; bytes are read only when a reader is opened. The compressed reader is verified by the core
 * (digest and size); the uncompressed reader is verified against the diffID at EOF.
 */
export class CoreLayer implements Layer {
  constructor(
    private readonly core: Pick<ImageCore, 'blob'>,
    /** The manifest descriptor of this layer. */
    readonly descriptor: Descriptor,
    private readonly diff: Digest,
    /** Names the image in errors. */
    private readonly what: string,
  ) {}

  async diffId(): Promise<Digest> {
    return this.diff;
  }

  async digest(): Promise<Digest> {
    return this.descriptor.digest;
  }

  async size(): Promise<number> {
    return this.descriptor.size;
  }

  async mediaType(): Promise<string> {
    return this.descriptor.mediaType;
  }

  compressed(signal?: AbortSignal): Promise<Readable> {
    return this.core.blob(this.descriptor, signal);
  }

  async uncompressed(signal?: AbortSignal): Promise<Readable> {
    const blob = await this.core.blob(this.descriptor, signal);
    let tar: Readable = blob;
    if (isGzipLayerType(this.descriptor.mediaType)) {
      const gunzip = createGunzip();
      blob.on('error', (e) => gunzip.destroy(e));
      tar = blob.pipe(gunzip);
    }
    return verifyStream(tar, { digest: this.diff }, `layer ${this.diff} (uncompressed) of ${this.what}`);
  }
}
