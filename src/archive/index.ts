/** src/archive: the reproducible tar writer (EP-21, LY-26), the sorted directory walk, a tar reader, the safe extractor. */
export { TAR_MTIME, type TarEntry, type TarEntryType } from './entry.js';
export { encodeHeader, END_OF_ARCHIVE } from './header.js';
export { tarChunks, TAR_CHUNK_SIZE } from './writer.js';
export { dirEntries, entryFor, normalizeTarPath, createWalkState, type DirEntriesOptions, type WalkState } from './walk.js';
export { compareNames } from './sort.js';
export { readTar, type TarHeader, type TarReadEntry } from './reader.js';
export { extractTar, type ExtractOptions, type ExtractResult } from './extract.js';
