/**
 * Bench entry (bundled by esbuild at run time): creates ONE layer from a directory with the lifecycle's own
 * pipeline (src/layer dirLayer: sorted walk → tar → sha256 diffID → block gzip level 1 → sha256 digest →
 * file) and prints `BENCH {"seconds", "diffId", "digest", "size", "tarSize", "maxRssMiB"}`. Usage:
 *   node create-layer.mjs DIR ARTIFACTS_DIR [--verify | --tar-only]
 * `seconds` is the time of the layer creation itself, measured inside the process (no node start-up).
 * `--verify` (untimed, after the measurement) checks that the blob is byte for byte `blockGzipSync(tar, 1)`
 * (src/stream block-gzip: the deterministic block gzip, computed block after block on one thread), that it
 * gunzips to the tar, and that its sha256 is the digest: the parallel speed-ups must not change a digest.
 * `--tar-only` times the diffID pass alone (walk → tar → sha256, nothing written): what `tar | sha256sum` does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirEntries, tarChunks } from '../../src/archive/index.js';
import { dirLayer, GZIP_LEVEL, LayerWriter } from '../../src/layer/index.js';
import { blockGzipSync, HashCounter } from '../../src/stream/index.js';

const [dir, out, ...rest] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: create-layer DIR ARTIFACTS_DIR [--verify | --tar-only]');
const verify = rest.includes('--verify');
const usage = () => ({ maxRssMiB: process.resourceUsage().maxRSS / 1024 });

if (rest.includes('--tar-only')) {
  const t0 = process.hrtime.bigint();
  const diff = new HashCounter();
  for await (const chunk of tarChunks(dirEntries(dir, { uid: 1000, gid: 1000 }))) diff.update(chunk);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`BENCH ${JSON.stringify({ seconds, diffId: diff.digest(), tarSize: diff.size, ...usage() })}`);
} else {
  const writer = new LayerWriter({ artifactsDir: out });
  const t0 = process.hrtime.bigint();
  const layer = await dirLayer(dir, { writer, uid: 1000, gid: 1000, keepTar: verify });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const f = layer.file;
  const result: Record<string, unknown> = { seconds, diffId: f.diffId, digest: f.digest, size: f.size, tarSize: f.tarSize, ...usage() };
  if (verify && f.tarPath) {
    const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const tar = readFileSync(f.tarPath);
    const gz = readFileSync(f.gzPath);
    result.tarPath = f.tarPath;
    result.verified = sha(tar) === f.diffId && sha(gz) === f.digest && blockGzipSync(tar, GZIP_LEVEL).equals(gz) && gunzipSync(gz).equals(tar);
  }
  console.log(`BENCH ${JSON.stringify(result)}`);
}
