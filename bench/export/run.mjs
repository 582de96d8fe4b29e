// Bench 2: cold export of an app with 8 layers totalling 1 GiB to a local docker-registry. Ours: `creator`
// (no cache, fresh registry) whose buildpack contributes the 8 prepared trees as launch layers; the export
// step is timed from its "===> EXPORTING" line to the exit of the process. Peer: `umoci insert` of the same
// 8 trees (at the same in-image paths) onto the same busybox base in an OCI layout, then `skopeo copy` to a
// fresh registry. Target: ours faster than the peer. Env: ROUNDS (default 3).
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fmtS, machine, mib, sectionHead, sh, startRegistry, stats, tempDir, timeOnce, writeSection } from '../lib/harness.mjs';
import { APP_LAYER_MIB, appTrees } from '../lib/inputs.mjs';
import { buildLifecycle, creator, layersBuildpack, pushRunImage, workspace } from '../lib/cnb.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SIZES = APP_LAYER_MIB;
const m = machine();
const tmp = tempDir('export');
chmodSync(tmp, 0o755);
process.stderr.write('building the lifecycle and making 8 layer trees (1 GiB)...\n');
await buildLifecycle(tmp);
const src = join(tmp, 'src');
const { names: NAMES, files, bytes } = appTrees(src);
chmodSync(src, 0o755);
const bp = layersBuildpack(tmp, src, NAMES, { cache: false });
const ws = workspace(join(tmp, 'ws'));
const base = join(tmp, 'base');
pushRunImage({ oci: `${base}:run` });

let reg;
async function freshRegistry() {
  if (reg) {
    reg.stop();
    await reg.exited();
    rmSync(join(tmp, 'registry'), { recursive: true, force: true });
  }
  reg = await startRegistry(join(tmp, 'registry'));
  return reg;
}

const peerCmd = (host) => [
  ...NAMES.map((n) => `umoci insert --image ${tmp}/peer:run ${src}/${n} /layers/bench_layers/${n}`),
  `skopeo copy --quiet --dest-tls-verify=false oci:${tmp}/peer:run docker://${host}/bench/peer:latest`,
].join(' && ');

const res = { ours: [], peer: [] };
const oursTotal = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const side of r % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) {
    const g = await freshRegistry();
    if (side === 'ours') {
      const run = `${g.host}/bench/run:latest`;
      pushRunImage({ ref: run, host: g.host });
      ws.resetLayers();
      const c = await creator(ws, bp, `${g.host}/bench/app:latest`, run, { cache: false, insecure: g.host });
      const uploads = g.requests().filter((x) => /^PUT .*blobs\/uploads\/.*[?&]digest=/.test(x)).length;
      res.ours.push(c.exportSeconds);
      oursTotal.push(c.seconds);
      process.stderr.write(`  round ${r + 1}/${ROUNDS} ours: export ${c.exportSeconds.toFixed(2)} s (creator ${c.seconds.toFixed(2)} s, layers built ${c.built}, blobs uploaded ${uploads})\n`);
    } else {
      rmSync(join(tmp, 'peer'), { recursive: true, force: true });
      sh(`cp -a ${base} ${tmp}/peer`, { quiet: true });
      // The trees just read (untimed), as ours were just copied by the buildpack: DAMON pageout on this VM
      // evicts page cache it considers idle.
      sh(`tar -cf - -C ${tmp} src | cat > /dev/null`, { quiet: true });
      const t = timeOnce(peerCmd(g.host));
      res.peer.push(t.wall);
      process.stderr.write(`  round ${r + 1}/${ROUNDS} peer: ${t.wall.toFixed(2)} s (CPU ${t.cpu.toFixed(2)} s)\n`);
    }
  }
}
const o = stats(res.ours);
const p = stats(res.peer);
const ratio = p.median / o.median;
const lines = [
  `Input: 8 layer trees of ${SIZES.join(', ')} MiB (${mib(bytes).toFixed(0)} MiB, ${files.toLocaleString('en')} files; each 80 % in files of up to 16 MiB and 20 % in small files of 64 B–16 KiB, real content from this machine's /usr). Base: the busybox run image (scripts/run-images, ~1 MB). Every run, ours and the peer's, goes to a freshly started, empty docker-registry on 127.0.0.1 (cold: no blob there, no cache, no previous image).`,
  '',
  `- Ours: \`creator -run-image REG/bench/run:latest -insecure-registry REG ... REG/bench/app:latest\` (Platform API 0.15) with a generated buildpack that copies the trees into 8 launch layers (\`/layers/bench_layers/l1..l8\`); the time is the export step, from the "===> EXPORTING" line to the exit of the process (tar, diffID, gzip level 1, digest of 8 + 3 lifecycle layers, upload, manifest, report.toml).`,
  `- Peer: \`umoci insert --image L:run SRC/lN /layers/bench_layers/lN\` for the 8 trees, then \`skopeo copy oci:L:run docker://REG/bench/peer:latest\`.`,
  '',
  '| side | median | min | max | runs |',
  '|---|---|---|---|---|',
  `| ours (export step of creator) | ${fmtS(o.median)} | ${fmtS(o.min)} | ${fmtS(o.max)} | ${o.n} |`,
  `| peer (umoci insert ×8 + skopeo copy) | ${fmtS(p.median)} | ${fmtS(p.min)} | ${fmtS(p.max)} | ${p.n} |`,
  `| (ours, whole creator run incl. the buildpack copying 1 GiB) | ${fmtS(stats(oursTotal).median)} | | | |`,
  '',
  `**Ratio** (median): peer / ours = **${ratio.toFixed(2)}**; target > 1.00 (faster than the peer) → **${ratio > 1 ? 'PASS' : 'MISS'}**.`,
  '',
];
reg?.stop();
writeSection('export', [sectionHead('2. Cold export of 8 layers (1 GiB) to a registry', 'export', m), ...lines].join('\n'));
process.exit(0);
