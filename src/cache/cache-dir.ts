import { join } from 'node:path';
import type { Logger } from '../sys/index.js';
import { BlobStore } from './blob-store.js';
import { LayerSelectorCache, SELECTOR_DIR_NAME } from './layer-selector-cache.js';

/** Our blob store's directory inside a `-cache-dir` (a sibling of REF's `committed/`; REF ignores it). */
export const BLOB_DIR_NAME = 'blobs';

/** The layer selector records kept in a `-cache-dir` (`<cache-dir>/layer-selectors-v1/`). */
export function selectorCacheIn(cacheDir: string, options: { logger?: Logger } = {}): LayerSelectorCache {
  return LayerSelectorCache.at(join(cacheDir, SELECTOR_DIR_NAME), options);
}

/** The content-addressed blob store kept in a `-cache-dir` (`<cache-dir>/blobs/content-v1/…`). */
export function blobStoreIn(cacheDir: string): BlobStore {
  return new BlobStore(join(cacheDir, BLOB_DIR_NAME));
}
