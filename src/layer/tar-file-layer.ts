import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { LifecycleError } from '../errors/index.js';
import { digestHex } from '../oci/index.js';
import { HashCounter, sniffGzip } from '../stream/index.js';
import { FileLayer } from './file-layer.js';
import type { LayerWriter } from './layer-writer.js';

/**
 * A layer from an existing tar file (e.g. an extension's Dockerfile output or a cached layer), gzip or
 * plain. A plain tar is kept byte for byte (diffID = its sha256) and compressed by the writer; a gzip file
 * keeps its compressed bytes as the blob (digest = its sha256) while its gunzipped bytes give the diffID.
 */
export async function tarFileLayer(path: string, options: { writer: LayerWriter; keepTar?: boolean; signal?: AbortSignal }): Promise<FileLayer> {
  const { writer } = options;
  const { gzip, stream } = await sniffGzip(createReadStream(path));
  if (!gzip) {
    const file = await writer.writeTar(stream, {
      ...(options.keepTar !== undefined ? { keepTar: options.keepTar } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new FileLayer(file);
  }
  stream.destroy();
  await mkdir(writer.artifactsDir, { recursive: true });
  const blob = new HashCounter();
  const diff = new HashCounter();
  const tarTmp = options.keepTar ? join(writer.artifactsDir, `.tmp-${randomBytes(6).toString('hex')}.tar`) : undefined;
  const gzTmp = join(writer.artifactsDir, `.tmp-${randomBytes(6).toString('hex')}.tar.gz`);
  try {
    await copyFile(path, gzTmp);
    await pipeline(
      createReadStream(gzTmp),
      async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          blob.update(c);
          yield c;
        }
      },
      createGunzip(),
      async function* (src: AsyncIterable<Buffer>) {
        for await (const c of src) {
          diff.update(c);
          yield c;
        }
      },
      tarTmp
        ? createWriteStream(tarTmp)
        : async function (src: AsyncIterable<Buffer>) {
            for await (const _ of src) void _;
          },
    );
    const digest = blob.digest();
    const diffId = diff.digest();
    const gzPath = join(writer.artifactsDir, `${digestHex(digest)}.tar.gz`);
    await rename(gzTmp, gzPath);
    let tarPath: string | undefined;
    if (tarTmp) {
      tarPath = join(writer.artifactsDir, `${digestHex(diffId)}.tar`);
      await rename(tarTmp, tarPath);
    }
    return new FileLayer({ diffId, digest, size: blob.size, tarSize: diff.size, gzPath, ...(tarPath ? { tarPath } : {}), mediaType: writer.mediaType });
  } catch (e) {
    throw new LifecycleError('ERR_TAR', `layer from ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(gzTmp, { force: true });
    if (tarTmp) await rm(tarTmp, { force: true });
  }
}
