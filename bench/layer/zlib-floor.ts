/**
 * Bench entry: the single-core floor of our layer pipeline's slowest stage. Reads a tar file into memory
 * (untimed) and times zlib level 1 over it as ONE stream (what every layer digest needs; deflate cannot be
 * split without changing the bytes), then sha256 over it. Prints `BENCH {"seconds", "zlibSeconds",
 * "sha256Seconds", "gzBytes"}` where `seconds` = zlib alone. Usage: node zlib-floor.mjs TAR
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { GZIP_LEVEL } from '../../src/layer/index.js';

const tar = readFileSync(process.argv[2] ?? '');
let t = process.hrtime.bigint();
const gz = gzipSync(tar, { level: GZIP_LEVEL, chunkSize: 1 << 20 });
const zlibSeconds = Number(process.hrtime.bigint() - t) / 1e9;
t = process.hrtime.bigint();
createHash('sha256').update(tar).digest('hex');
const sha256Seconds = Number(process.hrtime.bigint() - t) / 1e9;
console.log(`BENCH ${JSON.stringify({ seconds: zlibSeconds, zlibSeconds, sha256Seconds, gzBytes: gz.length })}`);
