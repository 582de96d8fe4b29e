import type { Digest } from '../oci/index.js';

/**
 * A layer materialized on disk by LayerWriter: immutable, content-addressed, every hash known (DESIGN §5.4).
 * Plain data (JSON-serializable), so caches and selectors can store it.
 */
export interface LayerFile {
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  readonly diffId: Digest;
  /** sha256 of the gzip blob (the manifest's layer digest). */
  readonly digest: Digest;
  /** Size in bytes of the gzip blob. */
  readonly size: number;
  /** Size in bytes of the uncompressed tar. */
  readonly tarSize: number;
  /** The gzip blob, `<artifacts>/<digest hex>.tar.gz`. */
  readonly gzPath: string;
  /** The uncompressed tar, `<artifacts>/<diffId hex>.tar`, when it was kept. */
  readonly tarPath?: string;
  /** The layer media type (OCI gzip by default). */
  readonly mediaType: string;
}
