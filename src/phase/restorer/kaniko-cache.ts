import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { wrapError } from '../../errors/index.js';
import type { Image } from '../../image/index.js';
import { OciLayout } from '../../layout/index.js';
import { MediaTypes, sha256Digest, type Digest } from '../../oci/index.js';

/** `<kaniko-dir>/cache/base`: where base images for the extender are kept ([REF] kaniko's base image cache). */
export function kanikoBaseDir(kanikoDir: string): string {
  return join(kanikoDir, 'cache', 'base');
}

/**
 * RS-12 / RS-15: saves `image` as a sparse OCI layout at `<kaniko-dir>/cache/base/<manifest digest>` (the
 * directory name is `sha256:<hex>`, [REF]): `oci-layout`, `index.json` with one manifest descriptor, and the
 * manifest and config blobs with their exact bytes (so the digest is preserved). No layer is downloaded: the
 * extender reads only the manifest and config, and its new layers sit on top of them. The layout is written
 * in a hidden sibling directory and renamed into place, replacing an older copy. Returns the layout path and
 * the manifest digest. Failures are ERR_RESTORE (exit 42) naming the directory.
 */
export async function saveSparseImage(kanikoDir: string, image: Image): Promise<{ dir: string; digest: Digest }> {
  const base = kanikoBaseDir(kanikoDir);
  const [manifest, config, mediaType] = await Promise.all([image.rawManifest(), image.rawConfig(), image.mediaType()]);
  const digest = sha256Digest(manifest);
  const configDigest = sha256Digest(config);
  const dir = join(base, digest);
  const tmp = join(base, `.${digest.slice(7, 19)}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(base, { recursive: true, mode: 0o755 });
    const layout = await OciLayout.init(tmp);
    await layout.writeBlob({ digest: configDigest, size: config.byteLength }, config);
    await layout.writeBlob({ digest, size: manifest.byteLength }, manifest);
    await layout.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ mediaType, digest, size: manifest.byteLength }] });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    throw wrapError(e, 'ERR_RESTORE', `save image metadata to ${dir}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dir, digest };
}
