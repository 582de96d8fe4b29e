import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Layer } from '../image/index.js';
import type { Digest } from '../oci/index.js';
import type { LayerFile } from './layer-file.js';

/**
 * A Layer over a LayerFile on disk. Every hash is known up front (no I/O to answer diffId/digest/size). The
 * files are our own immutable artifacts, so readers are not re-verified. `file` exposes the paths, so a
 * cache can link the tar and a layout can copy the blob without streaming through JS.
 */
export class FileLayer implements Layer {
  constructor(readonly file: LayerFile) {}

  async diffId(): Promise<Digest> {
    return this.file.diffId;
  }

  async digest(): Promise<Digest> {
    return this.file.digest;
  }

  async size(): Promise<number> {
    return this.file.size;
  }

  async mediaType(): Promise<string> {
    return this.file.mediaType;
  }

  /** The gzip blob. */
  async compressed(signal?: AbortSignal): Promise<Readable> {
    return createReadStream(this.file.gzPath, signal ? { signal } : {});
  }

  /** The tar: the kept tar file when there is one, else the gunzipped blob. */
  async uncompressed(signal?: AbortSignal): Promise<Readable> {
    if (this.file.tarPath !== undefined) return createReadStream(this.file.tarPath, signal ? { signal } : {});
    const gz = createReadStream(this.file.gzPath, signal ? { signal } : {});
    const gunzip = createGunzip();
    gz.on('error', (e) => gunzip.destroy(e));
    return gz.pipe(gunzip);
  }
}

/** Wraps a LayerFile as a Layer. */
export function fileLayer(file: LayerFile): FileLayer {
  return new FileLayer(file);
}
