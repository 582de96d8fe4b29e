/** Shared by the standalone-binary tests: build (or reuse) dist/<target>/ once, run tools, find peers. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const DIST = join(ROOT, 'dist');
export const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser', 'extender'];

/** Result of a finished child process. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (no shell). */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): Ran {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) return { code: null, stdout: '', stderr: r.error.message };
  return { code: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** True when `cmd` can be started. */
export function has(cmd: string, probe = '--version'): boolean {
  return spawnSync(cmd, [probe], { stdio: 'ignore' }).error === undefined;
}

export const isRoot = process.getuid?.() === 0;

/**
 * Runs `npm run build:binaries` for `targets` (cached by the script: only a changed bundle rebuilds), under a
 * lock so that test files running in parallel do not build the same dist/ at once.
 */
export function buildBinaries(targets: string[]): Ran {
  const lock = join(DIST, '.cache', 'test-build.lock');
  mkdirSync(join(DIST, '.cache'), { recursive: true });
  const until = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes belongs to a run that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`${lock}: still held after 10 minutes`);
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    const r = run(process.execPath, [join(ROOT, 'scripts', 'build-binaries.mjs'), '--targets', targets.join(',')], { cwd: ROOT });
    if (r.code !== 0) throw new Error(`build-binaries failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** dist/<target>/cnb/lifecycle */
export function lifecycleDir(target: string): string {
  return join(DIST, target, 'cnb', 'lifecycle');
}

/** The lifecycle.toml the build writes (scripts/build.mjs lifecycleToml()). */
export function expectedLifecycleToml(): string {
  const r = run(process.execPath, ['--input-type=module', '-e', "process.stdout.write((await import('./scripts/build.mjs')).lifecycleToml())"], { cwd: ROOT });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/**
 * Makes sure Debian packages are installed (as root, with apt-get), for peers that scripts/install-deps.sh
 * may not install (wine, qemu-user-static). Returns undefined when `probe` runs afterwards, else the reason.
 */
export function ensureApt(probe: string, packages: string[], probeArg = '--version'): string | undefined {
  if (has(probe, probeArg)) return undefined;
  if (!isRoot) return `${probe} missing and not root to apt-get install ${packages.join(' ')}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeout: 600_000 });
  if (r.code !== 0) {
    run('apt-get', ['update', '-qq'], { env, timeout: 300_000 });
    r = run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env, timeout: 600_000 });
  }
  if (has(probe, probeArg)) return undefined;
  return `${probe} missing: apt-get install ${packages.join(' ')} failed (${r.stderr.trim().split('\n').pop() ?? r.code})`;
}
