// A small in-memory Image for daemon tests (test/helpers/random-image.ts belongs to the image engineer).
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import type { Image, Layer } from '../../../src/image/index.js';
import { encodeJson, MediaTypes, parseConfig, parseManifest, sha256Digest, type Digest } from '../../../src/oci/index.js';

/** An uncompressed tar of `files` (sorted, normalized headers). */
export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const name of Object.keys(files).sort()) {
    pack.entry({ name, mode: 0o644, mtime: new Date(315532801000), uid: 0, gid: 0 }, files[name]!);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** A layer from an uncompressed tar held in memory; `hint` adds the UncompressedSizeHint capability. */
export function memoryLayer(tarBytes: Buffer, hint = false): Layer & { opened: number } {
  const gz = gzipSync(tarBytes);
  const layer = {
    opened: 0,
    diffId: async () => sha256Digest(tarBytes),
    digest: async () => sha256Digest(gz),
    size: async () => gz.length,
    mediaType: async () => MediaTypes.ociLayerGzip,
    compressed: async () => Readable.from([gz]),
    uncompressed: async () => {
      layer.opened++;
      return Readable.from([tarBytes]);
    },
    ...(hint ? { uncompressedSize: async () => tarBytes.length } : {}),
  };
  return layer;
}

/** An image whose bottom layers are `base` (any Layer objects) and whose config carries `labels`. */
export async function memoryImage(opts: { layers: Layer[]; labels?: Record<string, string>; env?: string[] }): Promise<Image> {
  const diffIds: Digest[] = [];
  for (const l of opts.layers) diffIds.push(await l.diffId());
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: opts.env ?? ['PATH=/usr/bin:/bin'], Labels: opts.labels ?? {}, WorkingDir: '/workspace' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '1980-01-01T00:00:01Z', created_by: `layer ${i}` })),
  };
  const rawConfig = new Uint8Array(encodeJson(config));
  let rawManifestP: Promise<Uint8Array> | undefined;
  const rawManifest = () =>
    (rawManifestP ??= (async () => {
      // lazy, like a real image: a daemon base layer's size needs a save
      const layers = await Promise.all(opts.layers.map(async (l) => ({ mediaType: await l.mediaType(), digest: await l.digest(), size: await l.size() })));
      const manifest = {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: sha256Digest(rawConfig), size: rawConfig.length },
        layers,
      };
      return new Uint8Array(encodeJson(manifest));
    })());
  const find = async (pred: (l: Layer) => Promise<boolean>) => {
    for (const l of opts.layers) if (await pred(l)) return l;
    throw new Error('no such layer');
  };
  return {
    mediaType: async () => MediaTypes.ociManifest,
    rawManifest,
    manifest: async () => parseManifest(await rawManifest()),
    digest: async () => sha256Digest(await rawManifest()),
    rawConfig: async () => rawConfig,
    config: async () => parseConfig(rawConfig),
    imageId: async () => sha256Digest(rawConfig),
    layers: async () => [...opts.layers],
    layerByDigest: (d) => find(async (l) => (await l.digest()) === d),
    layerByDiffId: (d) => find(async (l) => (await l.diffId()) === d),
  };
}

/** Collects a stream into one Buffer. */
export async function collect(s: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}
