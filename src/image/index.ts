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
