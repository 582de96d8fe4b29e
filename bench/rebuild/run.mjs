// Bench 3: unchanged rebuild. `creator` with a cache directory on an app with 8 launch+cache layers
// (1 GiB): a cold build, then unchanged rebuilds (fresh <layers> each time, as a platform gives each build,
// same -cache-dir), then a rebuild where the buildpack rewrites one file of one layer with the same size and
// restores its old mtime with `touch -d`. Checks (issue 7):
//   - the second export takes at most 10 % of the cold export (export step: "===> EXPORTING" to exit);
//   - it uploads nothing (registry access log: no blob upload request);
//   - it reads no unchanged layer's file contents (strace of a separate, untimed rebuild: no open for
//     reading of any file under <layers>/bench_layers/);
//   - the changed single file re-tars only its own layer (strace: files read only under that layer).
// Env: ROUNDS (unchanged rebuilds, default 3).
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtS, machine, mib, sectionHead, startRegistry, stats, tempDir, writeSection } from '../lib/harness.mjs';
import { appTrees } from '../lib/inputs.mjs';
import { buildLifecycle, creator, filesReadUnder, layersBuildpack, pushRunImage, workspace } from '../lib/cnb.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const m = machine();
const tmp = tempDir('rebuild');
chmodSync(tmp, 0o755);
process.stderr.write('building the lifecycle and making 8 layer trees (1 GiB)...\n');
await buildLifecycle(tmp);
const src = join(tmp, 'src');
const { names, files, bytes } = appTrees(src);
chmodSync(src, 0o755);
const bp = layersBuildpack(tmp, src, names, { cache: true });
const ws = workspace(join(tmp, 'ws'));
const reg = await startRegistry(join(tmp, 'registry'));
const run = `${reg.host}/bench/run:latest`;
pushRunImage({ ref: run, host: reg.host });
const app = `${reg.host}/bench/app:latest`;
// Blobs uploaded: the closing PUT of an upload session (`?...&digest=`); mounts and HEADs are not uploads.
const uploadsSince = (n) => reg.requests().slice(n).filter((x) => /^PUT .*blobs\/uploads\/.*[?&]digest=/.test(x)).map((x) => decodeURIComponent(x.replace(/.*digest=/, '')));
const layerDir = join(ws.layers, 'bench_layers');

async function build(label, opts = {}) {
  ws.resetLayers();
  const n0 = reg.requests().length;
  const c = await creator(ws, bp, app, run, { insecure: reg.host, ...opts });
  const up = uploadsSince(n0);
  if (process.env.BENCH_DEBUG) process.stderr.write(`${up.join('\n')}\n`);
  process.stderr.write(`  ${label}: export ${c.exportSeconds.toFixed(2)} s (creator ${c.seconds.toFixed(2)} s; layers built ${c.built}, selector hits ${c.selectorHits}, from previous ${c.fromPrevious}; blobs uploaded ${up.length})\n`);
  return { ...c, uploads: up.length };
}

const cold = await build('cold build');
const unchanged = [];
for (let r = 0; r < ROUNDS; r++) unchanged.push(await build(`unchanged rebuild ${r + 1}/${ROUNDS}`));
const traceU = join(tmp, 'unchanged.strace');
const tracedU = await build('unchanged rebuild under strace (untimed)', { strace: traceU });
// Only contents of layer directories count (<layer>.toml and launch.toml are the buildpack's metadata files).
const inLayer = (p) => p.includes('/');
const readU = filesReadUnder(traceU, layerDir).filter(inLayer);

writeFileSync(join(src, '.change'), 'l3');
const changed = await build('one file of l3 rewritten (same size, old mtime restored)');
const traceC = join(tmp, 'changed.strace');
const tracedC = await build('the same, under strace (untimed)', { strace: traceC });
const readC = filesReadUnder(traceC, layerDir).filter(inLayer);
rmSync(join(src, '.change'));
const layersRead = [...new Set(readC.map((p) => p.split('/')[0]))];

const u = stats(unchanged.map((x) => x.exportSeconds));
const ratio = u.median / cold.exportSeconds;
const upl = unchanged.reduce((a, x) => a + x.uploads, 0);
const ok = (b) => (b ? 'PASS' : 'MISS');
const lines = [
  `Input: the 8 layer trees of bench 2 (${mib(bytes).toFixed(0)} MiB, ${files.toLocaleString('en')} files) contributed by a generated buildpack as launch+cache layers (kept as restored on a rebuild; copied on a cold build). \`creator -cache-dir CACHE -run-image REG/bench/run:latest ... REG/bench/app:latest\` (Platform API 0.15, \`-log-level debug\` for the layer counts), with a fresh \`<layers>\` before every build. Times are the export step ("===> EXPORTING" to exit of creator).`,
  '',
  '| build | export step | whole creator | layers tarred | selector hits | blobs uploaded |',
  '|---|---|---|---|---|---|',
  `| cold (empty cache, empty registry repo) | ${fmtS(cold.exportSeconds)} | ${fmtS(cold.seconds)} | ${cold.built} | ${cold.selectorHits} | ${cold.uploads} |`,
  ...unchanged.map((x, i) => `| unchanged rebuild ${i + 1} | ${fmtS(x.exportSeconds)} | ${fmtS(x.seconds)} | ${x.built} | ${x.selectorHits} | ${x.uploads} |`),
  `| one file of l3 rewritten, same size, old mtime (\`touch -d\`) | ${fmtS(changed.exportSeconds)} | ${fmtS(changed.seconds)} | ${changed.built} | ${changed.selectorHits} | ${changed.uploads} |`,
  '',
  '"Layers tarred" includes the small lifecycle layers that are never fingerprinted and always rebuilt (launcher, config, process types, SBOM); on a rebuild their diffIDs are unchanged, so they are not uploaded.',
  '',
  `**Ratio** (median): unchanged export / cold export = **${ratio.toFixed(3)}**; target ≤ 0.10 → **${ok(ratio <= 0.1)}**.`,
  '',
  `**Result**: blobs uploaded during the ${ROUNDS} unchanged rebuilds: ${upl}; target 0 → **${ok(upl === 0)}**.`,
  '',
  `**Result**: files under \`<layers>/bench_layers/\` opened for reading during an unchanged rebuild (strace -f, whole creator incl. restore): ${readU.length}${readU.length ? ` (${readU.slice(0, 5).join(', ')}${readU.length > 5 ? ', ...' : ''})` : ''}; target 0 → **${ok(readU.length === 0 && tracedU.uploads === 0)}**.`,
  '',
  `**Result**: layers whose files were read after one file of l3 was rewritten: ${layersRead.length ? layersRead.join(', ') : 'none'} (${readC.length} files); target only l3 → **${ok(layersRead.length === 1 && layersRead[0] === 'l3' && tracedC.built === changed.built)}**.`,
  '',
  'The fingerprint rule (src/cache/README.md, "Layer selectors"): a layer directory is unchanged only if every entry\'s lstat record (path, type, size, mtime, ctime, mode, uid, gid, inode, device, link count) is unchanged; contents are never read. ctime cannot be set from user space, so a rewrite with the same size and the old mtime restored by `touch -d` (the l3 case above) still changes the fingerprint and is re-tarred. Fingerprints taken within 2 s of the newest change are never recorded (racy-clean guard).',
  '',
];
writeSection('rebuild', [sectionHead('3. Unchanged rebuild', 'rebuild', m), ...lines].join('\n'));
process.exit(0);
