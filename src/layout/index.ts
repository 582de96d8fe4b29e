/** src/layout: the OCI image-layout store (FMT-25 paths, atomic verified blobs, ref-name index entries). */
export { layoutPath } from './layout-path.js';
export { OciLayout, REF_NAME, MAX_MANIFEST_SIZE, type BlobSource } from './oci-layout.js';
export { layoutImage, LayoutIndex, findLayoutImage } from './layout-image.js';
export { writeImage, type WriteImageOptions } from './write-image.js';
export { LayoutStore, type LayoutStoreOptions } from './layout-store.js';
