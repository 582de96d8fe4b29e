import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { digestHex, type Digest } from '../oci/index.js';
import type { DockerEngine } from './engine.js';
import { daemonError } from './engine-errors.js';
import { spoolDockerArchive } from './docker-archive-reader.js';
import { spoolToDir, type SpooledFile } from './spool.js';

/** An image saved from the daemon into a spool directory; every file verified against the image's hashes. */
export interface SavedImage {
  readonly dir: string;
  /** The raw config bytes; their sha256 is the image ID (checked). */
  readonly rawConfig: Buffer;
  /** The uncompressed tar of each layer, by diffID (checked: the file's sha256 is the diffID). */
  readonly layers: ReadonlyMap<Digest, SpooledFile>;
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * `GET /images/{id}/get` into a fresh directory under `tmpRoot`: one pass over the whole archive (the daemon
 * offers no per-layer read). The config must hash to `imageId` and each layer to its diffID; a layer stored
 * gzip-compressed (Docker's containerd store saves blobs as they were pulled) is gunzipped and checked.
 * The directory is the caller's to remove (`rm -r dir`); it is removed here when anything fails.
 */
export async function saveImageToDir(engine: DockerEngine, imageId: Digest, diffIds: readonly Digest[], tmpRoot: string, signal?: AbortSignal): Promise<SavedImage> {
  const dir = await mkdtemp(join(tmpRoot, 'cnb-daemon-save-'));
  const fail = (cause: string) => daemonError(engine.endpoint, 'save image', imageId, cause);
  try {
    const stream = await engine.saveImage(imageId, signal);
    const archive = await spoolDockerArchive(stream, dir, `daemon ${engine.endpoint}: save image '${imageId}'`, signal);
    const entry = archive.manifest.find((m) => m.Config.includes(digestHex(imageId))) ?? archive.manifest[0]!;
    const config = archive.file(entry.Config);
    if (config === undefined) throw fail(`the archive has no config file '${entry.Config}'`);
    if (config.digest !== imageId) throw fail(`config has digest ${config.digest}, expected the image ID`);
    if (entry.Layers.length !== diffIds.length) throw fail(`the archive has ${entry.Layers.length} layers, the config ${diffIds.length}`);
    const layers = new Map<Digest, SpooledFile>();
    for (const [i, name] of entry.Layers.entries()) {
      const diffId = diffIds[i]!;
      let file = archive.file(name);
      if (file === undefined) throw fail(`the archive has no layer file '${name}'`);
      if (file.digest !== diffId && (await isGzip(file.path))) {
        file = await spoolToDir(createReadStream(file.path).pipe(createGunzip()), dir, { expected: diffId, what: `layer ${diffId}`, ...(signal ? { signal } : {}) });
      }
      if (file.digest !== diffId) throw fail(`layer ${i} has diffID ${file.digest}, expected ${diffId}`);
      layers.set(diffId, file);
    }
    return { dir, rawConfig: await readFile(config.path), layers };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    if (signal?.aborted || (e as { code?: unknown }).code === 'ERR_DAEMON') throw e;
    throw fail((e as Error).message);
  }
}
