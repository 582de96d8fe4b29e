/** Pure OCI value types and codecs; no I/O. */
export { parseDigest, isDigest, sha256Digest, digestHex, type Digest } from './digest.js';
export { MediaTypes, isManifestType, isIndexType, isGzipLayerType, layerTypeFor, configTypeFor } from './media-types.js';
export type { Platform, Descriptor, Manifest, IndexManifest, History, ContainerConfig, ImageConfig } from './types.js';
export { parseDescriptor, parseManifest, parseIndex, parseConfig, encodeJson } from './parse.js';
