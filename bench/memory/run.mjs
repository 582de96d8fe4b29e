// Bench 5: peak memory (RSS) while exporting a 4 GiB layer. Target: under 200 MB (streaming, never
// buffering a layer). Two measurements, peak RSS by GNU time (`%M`):
//   - the layer pipeline alone (src/layer, bench/layer/create-layer.ts) on one 4 GiB file, with a 64 MiB
//     layer as the baseline of the same process;
//   - `creator` (all five phases in one process) whose buildpack contributes that 4 GiB file as one launch
//     layer, exported to a local docker-registry (tar, gzip, upload).
// Env: LAYER_MIB (default 4096).
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, fmtS, machine, ROOT, sectionHead, startRegistry, timeOnce, tempDir, writeSection } from '../lib/harness.mjs';
import { realFile } from '../lib/inputs.mjs';
import { buildLifecycle, creator, layersBuildpack, pushRunImage, workspace } from '../lib/cnb.mjs';

const LAYER_MIB = Number(process.env.LAYER_MIB ?? 4096);
const m = machine();
const tmp = tempDir('memory');
chmodSync(tmp, 0o755);
const create = bundle(join(ROOT, 'bench', 'layer', 'create-layer.ts'), tmp);
process.stderr.write(`making a ${LAYER_MIB} MiB file and a 64 MiB one...\n`);
const src = join(tmp, 'src');
for (const [d, size] of [['huge', LAYER_MIB], ['base', 64]]) {
  mkdirSync(join(src, d, 'bin'), { recursive: true });
  realFile(join(src, d, 'bin', 'blob-0.bin'), size * 2 ** 20);
}
chmodSync(src, 0o755);
const mb = (mib) => (mib * 2 ** 20) / 1e6;
const rows = [];
for (const [d, label] of [['base', '64 MiB layer (baseline)'], ['huge', `${LAYER_MIB} MiB layer`]]) {
  process.stderr.write(`layer pipeline, ${label}...\n`);
  const r = timeOnce(`node ${create} ${join(src, d)} ${join(tmp, `art-${d}`)}`);
  rmSync(join(tmp, `art-${d}`), { recursive: true, force: true });
  rows.push({ label: `layer pipeline: ${label}`, seconds: r.inner.seconds, rss: mb(r.maxRssMiB), sizes: `${(r.inner.tarSize / 1e6).toFixed(0)} MB tar → ${(r.inner.size / 1e6).toFixed(0)} MB gzip` });
}

process.stderr.write('creator with the 4 GiB layer into the registry...\n');
await buildLifecycle(tmp);
const reg = await startRegistry(join(tmp, 'registry'));
const run = `${reg.host}/bench/run:latest`;
pushRunImage({ ref: run, host: reg.host });
const bp = layersBuildpack(tmp, src, ['huge'], { cache: false });
const ws = workspace(join(tmp, 'ws'));
const c = await creator(ws, bp, `${reg.host}/bench/app:latest`, run, { cache: false, insecure: reg.host, time: true });
rows.push({ label: `creator → registry, one ${LAYER_MIB} MiB launch layer`, seconds: c.seconds, rss: mb(c.maxRssMiB), sizes: `export step ${fmtS(c.exportSeconds)}` });

const worst = Math.max(...rows.slice(1).map((r) => r.rss));
const lines = [
  'Input: one file of real content (this machine\'s /usr files concatenated). Peak RSS of the whole measured process from GNU time (`%M`; for `creator` the node process that runs all five phases; the buildpack\'s own `cp` is a separate, small process).',
  '',
  '| what | time | peak RSS | notes |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.label} | ${fmtS(r.seconds)} | ${r.rss.toFixed(0)} MB | ${r.sizes} |`),
  '',
  `**Result**: peak RSS ${worst.toFixed(0)} MB with a ${LAYER_MIB} MiB layer (baseline ${rows[0].rss.toFixed(0)} MB) target < 200 MB → **${worst < 200 ? 'PASS' : 'MISS'}**.`,
  '',
];
writeSection('memory', [sectionHead('5. Peak memory while exporting a 4 GiB layer', 'memory', m), ...lines].join('\n'));
process.exit(0);
