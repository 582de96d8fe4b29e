/** src/stream: byte-stream primitives (hashing, verification, limits, gzip sniffing, collect, concurrency). */
export { HashCounter, HashingStream, hashingStream } from './hash-counter.js';
export { VerifyingStream, verifyStream, type Expected } from './verify.js';
export { SizeLimitStream, sizeLimit } from './limit.js';
export { collect } from './collect.js';
export { isGzip, sniffGzip, maybeGunzip } from './gzip.js';
export { limitConcurrency, mapConcurrent, type Limiter } from './concurrency.js';
export { SingleFlight, once } from './single-flight.js';
export { blockGzip, blockGzipSync, deflateBlock, gzipTrailer, GZIP_BLOCK_SIZE, GZIP_HEADER, type BlockGzipOptions } from './block-gzip.js';
