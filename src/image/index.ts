/** The Image, Layer and ImageIndex contracts and the store interfaces every backend implements. */
export type {
  Layer,
  Image,
  ImageIndex,
  Blob,
  ImageCore,
  WriteResult,
  PlatformWant,
  ImageSource,
  ImageSink,
  ImageStore,
} from './types.js';
export { imageFromCore, PartialImage, findLayer, MAX_CONFIG_SIZE } from './partial.js';
export { CoreLayer } from './core-layer.js';
export { ComputedImage, stateOf, layerTypeIn, type ImageState, type LayerSlot, type MutableConfig } from './computed-image.js';
export { appendLayers, editConfig, setCreated, setMediaType, rebase, formatCreated, type Addendum } from './mutate.js';
export { emptyImage } from './empty.js';
export { BufferLayer, bufferLayer } from './buffer-layer.js';
export { selectManifest, DEFAULT_PLATFORM } from './platform.js';
export { validateImage } from './validate.js';
