/**
 * Bench entry: the floor of our layer pipeline's slowest stage. Reads a tar file into memory (untimed) and
 * times (1) our block gzip at level 1 over it with every core (src/stream blockGzip: the same deterministic
 * bytes as a layer blob, blocks on the libuv threadpool), (2) zlib level 1 as ONE stream on one core (what a
 * single deflate stream costs), then sha256 over it. Prints `BENCH {"seconds", "singleSeconds",
 * "sha256Seconds", "gzBytes", "singleGzBytes"}` where `seconds` = (1). Usage: node zlib-floor.mjs TAR
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from '../../src/layer/index.js';
import { blockGzip, GZIP_BLOCK_SIZE } from '../../src/stream/index.js';

const tar = readFileSync(process.argv[2] ?? '');
function* blocks(): Generator<Buffer> {
  for (let o = 0; o < tar.length; o += GZIP_BLOCK_SIZE) yield tar.subarray(o, o + GZIP_BLOCK_SIZE);
}
async function* source(): AsyncGenerator<Buffer> {
  yield* blocks();
}
let t = process.hrtime.bigint();
let gzBytes = 0;
for await (const b of blockGzip(source(), { level: GZIP_LEVEL })) gzBytes += b.byteLength;
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
t = process.hrtime.bigint();
const single = gzipSync(tar, { level: GZIP_LEVEL, chunkSize: 1 << 20 });
const singleSeconds = Number(process.hrtime.bigint() - t) / 1e9;
t = process.hrtime.bigint();
createHash('sha256').update(tar).digest('hex');
const sha256Seconds = Number(process.hrtime.bigint() - t) / 1e9;
console.log(`BENCH ${JSON.stringify({ seconds, singleSeconds, sha256Seconds, gzBytes, singleGzBytes: single.length })}`);
