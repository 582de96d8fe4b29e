// Helpers of the benches that run the built lifecycle (dist/cnb/lifecycle): a build workspace, a generated
// buildpack that copies prepared layer trees into its layers, the busybox run image, and a creator run that
// timestamps every output line (so the export step's duration is read from "===> EXPORTING" to exit).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sh } from './harness.mjs';

/** The lifecycle dir in use (set by buildLifecycle). */
export let LIFECYCLE = join(ROOT, 'dist', 'cnb', 'lifecycle');
export const CNB_UID = 1000;
export const CNB_GID = 1000;
const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser', 'extender'];

/**
 * Builds the lifecycle exactly as scripts/build.mjs does (same esbuild bundle, phase symlinks, native
 * launcher, lifecycle.toml) but into `<tmp>/cnb/lifecycle`, so a bench never rewrites dist/ under someone
 * else's running tests. Returns the directory (also kept in LIFECYCLE).
 */
export async function buildLifecycle(tmp) {
  const { bundle, lifecycleToml } = await import(join(ROOT, 'scripts', 'build.mjs'));
  const out = join(tmp, 'cnb', 'lifecycle');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(tmp, 'cnb', 'package.json'), '{ "type": "commonjs" }\n');
  await bundle(join(out, 'lifecycle'));
  chmodSync(join(out, 'lifecycle'), 0o755);
  for (const p of PHASES) symlinkSync('lifecycle', join(out, p));
  sh(`bash ${join(ROOT, 'phases', 'launcher', 'build.sh')} ${join(out, 'launcher')}`, { quiet: true, cwd: ROOT });
  writeFileSync(join(out, 'lifecycle.toml'), lifecycleToml());
  LIFECYCLE = out;
  return out;
}

/** True when phases/<phase>.ts is implemented (not the notAvailable stub). */
export function phaseAvailable(phase) {
  const r = spawnSync(join(LIFECYCLE, phase), ['-version'], { encoding: 'utf8', env: { PATH: process.env.PATH, CNB_PLATFORM_API: '0.15' } });
  return r.status === 0 && !/not (yet )?(available|implemented)/i.test(r.stdout + r.stderr);
}

/** chown -R to the build user. */
export function chownR(path) {
  sh(`chown -R ${CNB_UID}:${CNB_GID} '${path}'`, { quiet: true });
}

/** The busybox run image (scripts/run-images) into the registry (`ref`) and optionally an OCI layout dir:tag. */
export function pushRunImage({ ref, host, revision = '1', oci, layoutDir }) {
  const dests = [];
  if (ref) dests.push('--registry', ref, '--insecure-registry', host);
  if (oci) dests.push('--oci', oci);
  if (layoutDir) dests.push('--layout-dir', layoutDir.dir, '--ref', layoutDir.ref);
  sh(`node ${join(ROOT, 'scripts', 'run-images', 'run.mjs')} busybox --revision ${revision} ${dests.map((d) => `'${d}'`).join(' ')}`, { quiet: true, cwd: ROOT });
}

/** A build workspace under `base`: app (tiny), layers, platform, cache; readable by the build user. */
export function workspace(base) {
  mkdirSync(base, { recursive: true });
  chmodSync(base, 0o755);
  const ws = { dir: base, app: join(base, 'app'), layers: join(base, 'layers'), platform: join(base, 'platform'), cache: join(base, 'cache') };
  for (const d of [ws.app, ws.layers, ws.platform, ws.cache]) mkdirSync(d, { recursive: true });
  writeFileSync(join(ws.app, 'README'), 'bench app\n');
  chownR(ws.app);
  // A fresh <layers> per build, as a platform gives each build. The old one is moved aside, not deleted: on
  // ext4 without a journal (this VM's /tmp), creating files right after deleting tens of thousands costs
  // O(created x recently freed) in the inode allocator (src/phase/restorer/README.md), which would charge
  // the file system's cost of the bench's own clean-up to the next timed build. The temp dir goes at exit.
  let n = 0;
  ws.resetLayers = () => {
    if (existsSync(ws.layers)) renameSync(ws.layers, join(base, `old-layers-${++n}`));
    mkdirSync(ws.layers);
  };
  ws.resetCache = () => {
    rmSync(ws.cache, { recursive: true, force: true });
    mkdirSync(ws.cache);
  };
  return ws;
}

/**
 * A buildpack `bench/layers` (API 0.12) whose build makes one launch+cache layer per name in `layers`, by
 * copying `<src>/<name>` (unless the layer was restored from the cache: then it is kept as is). If
 * `<src>/.change` names a layer, build rewrites that layer's `bin/blob-0.bin` in place (same size, one byte
 * different) and restores its old mtime with `touch -d`, the case the fingerprint must still see. With
 * `sync` (default) the build ends with `sync`, so the export step is not charged for writing back the
 * gigabyte the build step copied (or the restorer extracted). Returns {dir, order}.
 */
export function layersBuildpack(base, src, layers, { cache = true, sync = true } = {}) {
  const dir = join(base, 'buildpacks');
  const bp = join(dir, 'bench_layers', '0.0.1');
  mkdirSync(join(bp, 'bin'), { recursive: true });
  writeFileSync(join(bp, 'buildpack.toml'), 'api = "0.12"\n\n[buildpack]\nid = "bench/layers"\nversion = "0.0.1"\n\n[[targets]]\nos = "linux"\n');
  writeFileSync(join(bp, 'bin', 'detect'), '#!/bin/sh\nexit 0\n');
  writeFileSync(join(bp, 'bin', 'build'), `#!/bin/sh
set -eu
layers="\${CNB_LAYERS_DIR:-$1}"
src='${src}'
for l in ${layers.join(' ')}; do
  if [ ! -d "$layers/$l" ]; then cp -R "$src/$l" "$layers/$l"; fi
  printf '[types]\\nlaunch = true\\ncache = ${cache}\\n[metadata]\\nv = "1"\\n' > "$layers/$l.toml"
done
if [ -s "$src/.change" ]; then
  f="$layers/$(cat "$src/.change")/bin/blob-0.bin"
  old=$(stat -c %y "$f")
  b=$(od -An -tu1 -N1 "$f" | tr -d ' ')
  printf "\\\\$(printf %03o $(( (b + 1) % 256 )))" | dd of="$f" bs=1 count=1 conv=notrunc 2>/dev/null
  touch -d "$old" "$f"
fi
printf '[[processes]]\\ntype = "web"\\ncommand = ["/bin/true"]\\ndefault = true\\n' > "$layers/launch.toml"
${sync ? '# bench: write back what was copied (and restored) now, so the export step is not charged for it\nsync\n' : ''}`);
  chmodSync(join(bp, 'bin', 'detect'), 0o755);
  chmodSync(join(bp, 'bin', 'build'), 0o755);
  const order = join(dir, 'order.toml');
  writeFileSync(order, '[[order]]\n  [[order.group]]\n  id = "bench/layers"\n  version = "0.0.1"\n');
  return { dir, order };
}

/**
 * Runs a command, timestamping every stdout/stderr line on arrival. Resolves {code, seconds, lines:
 * [{t, line}], stdout, stderr, maxRssMiB?}. With `time: true` it runs under GNU time for the peak RSS.
 */
export function runTimed(cmd, args, env = {}, { time = false } = {}) {
  return new Promise((resolve, reject) => {
    const tf = time ? `/tmp/cnb-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}` : undefined;
    const [c, a] = time ? ['/usr/bin/time', ['-f', '%M', '-o', tf, cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const child = spawn(c, a, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let stdout = '';
    let stderr = '';
    const feed = (which) => {
      let rest = '';
      return (d) => {
        const s = d.toString();
        if (which === 'out') stdout += s;
        else stderr += s;
        rest += s;
        const parts = rest.split('\n');
        rest = parts.pop() ?? '';
        const t = now();
        for (const line of parts) lines.push({ t, line });
      };
    };
    child.stdout.on('data', feed('out'));
    child.stderr.on('data', feed('err'));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = now();
      let maxRssMiB;
      if (tf && existsSync(tf)) {
        const txt = spawnSync('cat', [tf], { encoding: 'utf8' }).stdout.trim().split('\n').pop();
        maxRssMiB = Number(txt) / 1024;
        rmSync(tf, { force: true });
      }
      resolve({ code: code ?? 1, seconds, lines, stdout, stderr, maxRssMiB });
    });
  });
}

/** The hermetic environment of a lifecycle phase run as root with the build user 1000:1000. */
export function phaseEnv(extra = {}) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root', CNB_PLATFORM_API: '0.15', CNB_USER_ID: String(CNB_UID), CNB_GROUP_ID: String(CNB_GID), ...extra };
}

/**
 * `creator` for `image` (a registry reference, or a layout reference with `layoutDir`). Returns runTimed's
 * result plus `exportSeconds` (from the "===> EXPORTING" line to exit) and the debug layer counts.
 */
export async function creator(ws, bp, image, runImage, { cache = true, layoutDir, insecure, extra = [], time = false, logLevel = 'debug', strace } = {}) {
  // run.toml names the run image, so the image's metadata has runImage.image (LBL-05) for the rebaser.
  const runToml = join(ws.dir, 'run.toml');
  writeFileSync(runToml, `[[images]]\n  image = "${runImage}"\n`);
  const args = [
    '-run', runToml,
    '-app', ws.app, '-layers', ws.layers, '-platform', ws.platform, ...(cache ? ['-cache-dir', ws.cache] : []),
    '-buildpacks', bp.dir, '-order', bp.order, '-launcher', join(LIFECYCLE, 'launcher'), '-launcher-sbom', LIFECYCLE,
    '-run-image', runImage, '-log-level', logLevel,
    ...(layoutDir ? ['-layout', '-layout-dir', layoutDir] : []),
    ...(insecure ? ['-insecure-registry', insecure] : []),
    ...extra, image,
  ];
  const env = phaseEnv(layoutDir ? { CNB_EXPERIMENTAL_MODE: 'warn' } : {});
  const r = strace
    ? await runTimed('strace', ['-f', '-qq', '-e', 'trace=open,openat', '-o', strace, join(LIFECYCLE, 'creator'), ...args], env, { time })
    : await runTimed(join(LIFECYCLE, 'creator'), args, env, { time });
  if (r.code !== 0) throw new Error(`creator failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  const exp = r.lines.find((l) => l.line.includes('===> EXPORTING'));
  const stats = r.stdout.match(/layers built: (\d+), selector hits: (\d+), from previous image: (\d+)/);
  return {
    ...r,
    exportSeconds: exp ? r.seconds - exp.t : NaN,
    built: stats ? Number(stats[1]) : undefined,
    selectorHits: stats ? Number(stats[2]) : undefined,
    fromPrevious: stats ? Number(stats[3]) : undefined,
  };
}

/** Owner fix for a directory the build user must write (an OCI layout dir, a cache dir). */
export function ownByBuildUser(path) {
  if (existsSync(path)) chownSync(path, CNB_UID, CNB_GID);
}

/**
 * From an strace log (`creator({strace})`): the regular files under `dir` whose contents were opened for
 * reading (O_RDONLY/O_RDWR, not O_DIRECTORY), as paths relative to `dir`.
 */
export function filesReadUnder(straceLog, dir) {
  const out = new Set();
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const line of readFileSync(straceLog, 'utf8').split('\n')) {
    const mt = line.match(/open(?:at)?\((?:AT_FDCWD|\d+), "([^"]+)", ([A-Z_|]+)/);
    if (!mt || !mt[1].startsWith(prefix)) continue;
    const flags = mt[2];
    if (flags.includes('O_DIRECTORY') || flags.includes('O_WRONLY') || flags.includes('O_CREAT')) continue;
    if (line.includes('= -1')) continue;
    out.add(mt[1].slice(prefix.length));
  }
  return [...out].sort();
}
