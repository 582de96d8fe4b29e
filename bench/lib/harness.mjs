// Shared helpers of the bench drivers (bench/<name>/run.mjs): temp dir and clean-up, machine description,
// esbuild bundling of TypeScript entries, a real docker-registry, interleaved side-by-side timing and the
// results section writer. Plain ESM JavaScript so that it runs without a build step.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

const cleanups = [];
let cleaned = false;
function runCleanups() {
  if (cleaned) return;
  cleaned = true;
  for (const f of cleanups.reverse()) {
    try {
      f();
    } catch {
      /* best effort */
    }
  }
}
process.on('exit', runCleanups);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

/** A fresh temp dir under /tmp, removed when the process exits. */
export function tempDir(name) {
  const dir = mkdtempSync(`/tmp/cnb-bench-${name}-`);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Registers a clean-up function (run at exit, last registered first). */
export function onExit(f) {
  cleanups.push(f);
}

const la = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The description of this machine and the moment, for RESULTS.md. */
export function machine() {
  const os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? 'linux';
  const kernel = execFileSync('uname', ['-r']).toString().trim();
  const fs = execFileSync('df', ['-T', '/tmp']).toString().split('\n')[1]?.split(/\s+/)[1] ?? '?';
  return {
    date: new Date().toISOString().replace(/:\d\d\.\d+Z$/, 'Z'),
    line: `${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free), ${os}, kernel ${kernel}, node ${process.version}, /tmp on ${fs}`,
    loadStart: la(),
    cpus: cpus().length,
  };
}

/** Current load average as "1m 5m 15m". */
export const loadNow = la;

/** Bundles a TypeScript entry (importing src/) with esbuild into `dir`; returns the .mjs path. */
export function bundle(entry, dir) {
  const out = join(dir, `${basename(entry, '.ts')}.mjs`);
  execFileSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [
    entry, '--bundle', '--platform=node', '--format=esm', '--target=node20', '--log-level=warning', `--outfile=${out}`,
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  ], { stdio: 'inherit' });
  return out;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(a.port));
    });
  });
}

/**
 * Starts the real docker-registry on 127.0.0.1:<free port> with storage in `dir`; stopped at exit (or with
 * `stop()`). `requests()` lists the requests seen so far as "METHOD /path" (access log in `dir`/access.log).
 */
export async function startRegistry(dir) {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const cfg = join(dir, 'config.yml');
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: false', 'storage:', '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, '  secret: bench-secret', ''].join('\n'));
  const logPath = join(dir, 'access.log');
  const log = openSync(logPath, 'a');
  const child = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', log, log] });
  child.unref(); // never keeps the bench alive; killed at exit
  closeSync(log);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    child.ref(); // so that awaiting exited() keeps the process alive
    child.kill('SIGTERM');
  };
  onExit(stop);
  const requests = () => [...readFileSync(logPath, 'utf8').matchAll(/"(GET|HEAD|POST|PUT|PATCH|DELETE) ([^ "]+) HTTP/g)].map((x) => `${x[1]} ${x[2]}`);
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error('docker-registry exited');
    try {
      const r = await fetch(`http://${host}/v2/`);
      if (r.ok) return { host, dataDir: join(dir, 'data'), child, requests, stop, exited: () => new Promise((res) => (child.exitCode !== null ? res() : child.once('exit', res))) };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('docker-registry did not start');
}

/** Runs a shell command, inheriting output; throws on failure. */
export function sh(cmd, opts = {}) {
  const r = spawnSync('bash', ['-c', cmd], { stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...opts.env }, cwd: opts.cwd });
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${cmd}\n${r.stderr?.toString() ?? ''}`);
  return r.stdout?.toString() ?? '';
}

/**
 * Runs one command once under GNU time: wall time (hrtime), user+sys CPU of the command and its children,
 * peak RSS of the largest process, and `BENCH {json}` lines the command printed on stdout (inner numbers).
 */
export function timeOnce(cmd, env = {}) {
  const tf = join(tmpBase(), `time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', tf, 'bash', '-c', cmd], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 << 20,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const tl = existsSync(tf) ? readFileSync(tf, 'utf8').trim().split('\n').pop() : '';
  rmSync(tf, { force: true });
  if (r.status !== 0) throw new Error(`command failed (${r.status}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  const [u, s, m] = (tl ?? '').split(' ').map(Number);
  const inner = {};
  for (const line of r.stdout.toString().split('\n')) if (line.startsWith('BENCH ')) Object.assign(inner, JSON.parse(line.slice(6)));
  return { wall, cpu: (u ?? 0) + (s ?? 0), maxRssMiB: (m ?? 0) / 1024, inner, stdout: r.stdout.toString() };
}

let base;
function tmpBase() {
  base ??= tempDir('time');
  return base;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
/** min / median / max of a list. */
export function stats(xs) {
  return { min: Math.min(...xs), median: median(xs), max: Math.max(...xs), n: xs.length };
}

/**
 * Side by side: `rounds` rounds, each running every command once in turn (order rotated each round so
 * neither side always runs first), after `warmup` untimed rounds. `before(name)` runs untimed before each
 * run (e.g. to empty a registry). Returns {name: [timeOnce results]}.
 */
export function compare(commands, { rounds = 5, warmup = 1, before, log = true } = {}) {
  const res = Object.fromEntries(commands.map((c) => [c.name, []]));
  for (let r = -warmup; r < rounds; r++) {
    const order = commands.map((_, i) => commands[(i + Math.max(r, 0)) % commands.length]);
    for (const c of order) {
      if (before) before(c.name);
      c.before?.();
      const t = timeOnce(c.cmd, c.env);
      if (r >= 0) res[c.name].push(t);
      if (log) process.stderr.write(`  ${r < 0 ? 'warmup' : `round ${r + 1}/${rounds}`} ${c.name}: ${t.wall.toFixed(3)} s${t.inner.seconds !== undefined ? ` (inner ${t.inner.seconds.toFixed(3)} s)` : ''}\n`);
    }
  }
  return res;
}

export const fmtS = (s) => (s < 1 ? `${(s * 1e3).toFixed(0)} ms` : `${s.toFixed(2)} s`);
export const mib = (b) => b / 2 ** 20;

/** Writes bench/results/<name>.md (a section of RESULTS.md) and prints it. */
export function writeSection(name, text) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.md`), text.endsWith('\n') ? text : `${text}\n`);
  process.stdout.write(`\n${text}\n`);
}

/** The standard head of a section. */
export function sectionHead(title, name, m) {
  return [`## ${title}`, '', `Command: \`bash scripts/bench.sh ${name}\` — run ${m.date}.`, `Machine: ${m.line}.`,
    `Load average (1/5/15 min) at start ${m.loadStart}, at end ${la()}.`, ''].join('\n');
}
