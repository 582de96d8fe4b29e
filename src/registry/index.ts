/** src/registry: the OCI distribution client (one function per endpoint) and the RegistryStore. */
export { RegistryStore, createRegistryStore, type RegistryStoreOptions, type CreateRegistryStoreOptions } from './registry-store.js';
export { forRepository, repoUrl, type RepoClient } from './client.js';
export { RegistryCounters, type RegistryEvent, type RegistryEvents } from './events.js';
export { ping } from './ping.js';
export { blobExists, getBlob } from './blobs.js';
export { startUpload, uploadBlob, cancelUpload, type UploadSource, type UploadOptions } from './upload.js';
export { headManifest, getManifest, putManifest, MANIFEST_ACCEPT, type FetchedManifest } from './manifests.js';
export { RemoteImage } from './remote-image.js';
export { RemoteLayer, mountSourceOf, type MountSource } from './remote-layer.js';
export { pushImage, type PushContext } from './push.js';
export { checkReadAccess, checkWriteAccess } from './access.js';
export { deleteManifest } from './manifests.js';
export { ensureBlob, pushBlob, blobKey, layerJob, type BlobJob, type BlobContext } from './ensure-blob.js';
export { BlobPreloads, type PreloadJob } from './preload.js';
