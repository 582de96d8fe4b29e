/** src/layer: layer producers. LayerWriter (one pass: tar → diffID → gzip → digest/size → artifacts), dirLayer, tarFileLayer. */
export type { LayerFile } from './layer-file.js';
export { LayerWriter, GZIP_LEVEL, type LayerWriterOptions, type WriteLayerOptions } from './layer-writer.js';
export { FileLayer, fileLayer } from './file-layer.js';
export { dirLayer, type DirLayerOptions } from './dir-layer.js';
export { tarFileLayer } from './tar-file-layer.js';
