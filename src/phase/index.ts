/** src/phase facade: exports are appended here by the code that owns this folder. */
export {};
export * from './common/index.js';
export * from './analyzer/index.js';
export * from './creator/index.js';
export { Rebaser, type RebaserOptions, type RebaseRequest, type PreparedRebase, type RebaseResult } from './rebaser/index.js';
export * from './exporter/index.js';
export * from './restorer/index.js';
export * from './extender/index.js';
export * from './detector/index.js';
export * from './builder/index.js';
