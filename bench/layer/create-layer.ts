/**
 * Bench entry (bundled by esbuild at run time): creates ONE layer from a directory with the lifecycle's own
 * pipeline (src/layer dirLayer: sorted walk → tar → sha256 diffID → gzip level 1 → sha256 digest → file) and
 * prints `BENCH {"seconds", "diffId", "digest", "size", "tarSize", "maxRssMiB"}`. Usage:
 *   node create-layer.mjs DIR ARTIFACTS_DIR [--verify]
 * `seconds` is the time of the layer creation itself, measured inside the process (no node start-up).
 * `--verify` (untimed, after the measurement) checks that the blob is byte for byte `gzipSync(tar, level 1)`,
 * i.e. one single zlib stream over the whole tar, and that its sha256 is the digest: the speed-ups must not
 * change a digest.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirLayer, GZIP_LEVEL, LayerWriter } from '../../src/layer/index.js';

const [dir, out, ...rest] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: create-layer DIR ARTIFACTS_DIR [--verify]');
const verify = rest.includes('--verify');

const writer = new LayerWriter({ artifactsDir: out });
const t0 = process.hrtime.bigint();
const layer = await dirLayer(dir, { writer, uid: 1000, gid: 1000, keepTar: verify });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const f = layer.file;
const result: Record<string, unknown> = { seconds, diffId: f.diffId, digest: f.digest, size: f.size, tarSize: f.tarSize, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
if (verify && f.tarPath) {
  const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const tar = readFileSync(f.tarPath);
  const gz = readFileSync(f.gzPath);
  result.tarPath = f.tarPath;
  result.verified = sha(tar) === f.diffId && sha(gz) === f.digest && gzipSync(tar, { level: GZIP_LEVEL }).equals(gz);
}
console.log(`BENCH ${JSON.stringify(result)}`);
