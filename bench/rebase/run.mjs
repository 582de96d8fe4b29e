// Bench 4: rebase of a 1 GiB app image against a 10 MiB one. Both apps are built by `creator` (the 8 layer
// trees of bench 2, and the same 8 trees scaled to 10 MiB) on `run:latest` = busybox run image revision 1;
// then `run:latest` is alternately re-pointed at revisions 2 and 1 (a manifest PUT, untimed) and each app is
// rebased onto it by `rebaser`, interleaved, whole process timed. Target: the same time (manifest work only: no layer blob is downloaded or uploaded). Env: ROUNDS
// (rebases per app, default 6).
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fmtS, machine, mib, sectionHead, startRegistry, stats, tempDir, writeSection } from '../lib/harness.mjs';
import { APP_LAYER_MIB, appTrees } from '../lib/inputs.mjs';
import { buildLifecycle, chownR, creator, LIFECYCLE, layersBuildpack, phaseEnv, pushRunImage, runTimed, workspace } from '../lib/cnb.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const m = machine();
const tmp = tempDir('rebase');
chmodSync(tmp, 0o755);
process.stderr.write('building the lifecycle, the app trees (1 GiB and 10 MiB) and both apps...\n');
await buildLifecycle(tmp);
const reg = await startRegistry(join(tmp, 'registry'));
const runs = { 1: `${reg.host}/bench/run:1`, 2: `${reg.host}/bench/run:2` };
const runLatest = `${reg.host}/bench/run:latest`;
pushRunImage({ ref: runs[1], host: reg.host, revision: '1' });
pushRunImage({ ref: runs[2], host: reg.host, revision: '2' });
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifests = {};
for (const rev of [1, 2]) manifests[rev] = Buffer.from(await (await fetch(`http://${reg.host}/v2/bench/run/manifests/${rev}`, { headers: { Accept: OCI_MANIFEST } })).arrayBuffer());
/** Points run:latest at revision `rev` (a manifest PUT: what publishing a new run image does). */
async function publishRun(rev) {
  const r = await fetch(`http://${reg.host}/v2/bench/run/manifests/latest`, { method: 'PUT', headers: { 'Content-Type': OCI_MANIFEST }, body: manifests[rev] });
  if (r.status !== 201) throw new Error(`PUT run:latest: ${r.status}`);
}
await publishRun(1);
const apps = {};
const totalMib = APP_LAYER_MIB.reduce((a, b) => a + b, 0);
for (const [key, sizes] of [['big', APP_LAYER_MIB], ['small', APP_LAYER_MIB.map((x) => (x * 10) / totalMib)]]) {
  const src = join(tmp, `src-${key}`);
  const t = appTrees(src, sizes.map((x) => Math.max(x, 0.1)));
  chmodSync(src, 0o755);
  const bp = layersBuildpack(join(tmp, key), src, t.names, { cache: false });
  const ws = workspace(join(tmp, key, 'ws'));
  const image = `${reg.host}/bench/app-${key}:latest`;
  const c = await creator(ws, bp, image, runLatest, { cache: false, insecure: reg.host });
  const manifest = await (await fetch(`http://${reg.host}/v2/bench/app-${key}/manifests/latest`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).json();
  const size = manifest.layers.reduce((a, l) => a + l.size, 0);
  apps[key] = { image, bytes: t.bytes, gz: size, layers: manifest.layers.length, times: [], blobs: [], rev: 1 };
  process.stderr.write(`  app ${key}: ${mib(t.bytes).toFixed(1)} MiB in 8 layers, image ${mib(size).toFixed(1)} MiB compressed (creator ${c.seconds.toFixed(1)} s)\n`);
}

const reports = join(tmp, 'reports');
mkdirSync(reports);
chownR(reports); // the rebaser drops to the build user before writing its report

async function rebase(key) {
  const a = apps[key];
  const to = a.rev === 1 ? 2 : 1;
  await publishRun(to);
  const n0 = reg.requests().length;
  const r = await runTimed(join(LIFECYCLE, 'rebaser'), ['-insecure-registry', reg.host, '-report', join(reports, `report-${key}.toml`), a.image], phaseEnv());
  if (r.code !== 0) throw new Error(`rebaser failed (${r.code}): ${r.stdout}\n${r.stderr}`);
  a.rev = to;
  const reqs = reg.requests().slice(n0);
  const uploaded = reqs.filter((x) => /^PUT .*blobs\/uploads\/.*[?&]digest=/.test(x)).length;
  const downloaded = reqs.filter((x) => /^GET .*\/blobs\/sha256:/.test(x)).length;
  return { seconds: r.seconds, uploaded, downloaded };
}

await rebase('big'); // warm-up (page cache, registry), untimed
await rebase('small');
for (let r = 0; r < ROUNDS; r++) {
  for (const key of r % 2 === 0 ? ['big', 'small'] : ['small', 'big']) {
    const x = await rebase(key);
    apps[key].times.push(x.seconds);
    apps[key].blobs.push(x);
    process.stderr.write(`  round ${r + 1}/${ROUNDS} ${key}: ${x.seconds.toFixed(3)} s (blobs uploaded ${x.uploaded}, blob GETs ${x.downloaded})\n`);
  }
}
const b = stats(apps.big.times);
const s = stats(apps.small.times);
const ratio = b.median / s.median;
const maxUp = (k) => Math.max(...apps[k].blobs.map((x) => x.uploaded));
const maxGet = (k) => Math.max(...apps[k].blobs.map((x) => x.downloaded));
const lines = [
  `Ours: \`rebaser -insecure-registry REG -report R REG/bench/app-KEY:latest\` (Platform API 0.15; the run image comes from the app's metadata: \`REG/bench/run:latest\`), the whole process timed (node start-up included). Before each rebase \`run:latest\` is re-pointed at the other of two revisions of the busybox run image (untimed), so every rebase changes the image. Both apps have 8 buildpack layers plus the lifecycle layers, built by \`creator\` in this run.`,
  '',
  '| app | app layers (uncompressed) | image layers (compressed) | median | min | max | blobs uploaded per rebase | blob GETs per rebase |',
  '|---|---|---|---|---|---|---|---|',
  ...['big', 'small'].map((k) => {
    const a = apps[k];
    const st = k === 'big' ? b : s;
    return `| ${k} app | ${mib(a.bytes).toFixed(1)} MiB | ${mib(a.gz).toFixed(1)} MiB in ${a.layers} | ${fmtS(st.median)} | ${fmtS(st.min)} | ${fmtS(st.max)} | ≤ ${maxUp(k)} | ≤ ${maxGet(k)} |`;
  }),
  '',
  'Blob GETs are config blobs (run image, app image); an upload is the new image config. No layer blob moves.',
  '',
  `**Ratio** (median): rebase of the 1 GiB app / rebase of the 10 MiB app = **${ratio.toFixed(2)}**; target ≤ 1.10 (the same time) → **${ratio <= 1.1 ? 'PASS' : 'MISS'}**.`,
  '',
];
writeSection('rebase', [sectionHead('4. Rebase: 1 GiB app against 10 MiB app', 'rebase', m), ...lines].join('\n'));
process.exit(0);
