/** src/cache: the build caches (volume and image, REF-compatible), a content-addressed blob store, layer selectors. */
export type { Cache, AddLayerOptions, CommitResult } from './types.js';
export {
  CACHE_METADATA_LABEL,
  emptyCacheMetadata,
  parseCacheMetadata,
  encodeCacheMetadata,
  referencedDiffIds,
  type CacheMetadata,
  type CacheBuildpackMetadata,
  type CacheLayerMetadata,
} from './metadata.js';
export { BlobStore, BLOB_STORE_VERSION, type StoredBlob } from './blob-store.js';
export { VolumeCache, type VolumeCacheOptions, type VolumeCachePoint } from './volume-cache.js';
export { VOLUME_CACHE_DIRS, diffIdFileName, diffIdFileNames, prepareVolume } from './volume-layout.js';
export { fingerprintDir, hasSubSecondTimes, FINGERPRINT_VERSION, type Fingerprint, type FingerprintOptions } from './fingerprint.js';
export { LayerSelectorCache, SELECTOR_DIR_NAME, RACY_WINDOW_MS, FINE_RACY_WINDOW_MS, racyWindowMs, type LayerRecord } from './layer-selector-cache.js';
export { ImageCache, type ImageCacheOptions } from './image-cache.js';
export { cachingImage } from './caching-image.js';
export { BLOB_DIR_NAME, selectorCacheIn, blobStoreIn } from './cache-dir.js';
