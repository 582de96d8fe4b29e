/** src/store: chooses the ImageStore (registry, layout or daemon) from platform inputs; copies images. */
export { chooseImageStore, defaultStoreFactories, type StoreInputs, type StoreFactories, type ClosableImageStore } from './choose-store.js';
export { copyImage, type CopyOptions } from './copy-image.js';
