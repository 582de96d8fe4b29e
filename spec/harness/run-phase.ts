import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LIFECYCLE_DIR } from './paths.js';

/** The uid/gid the harness uses for phases that refuse root (GEN-12) when the tests run as root. */
export const TEST_UID = 1000;
export const TEST_GID = 1000;

export interface PhaseRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Flags and positional arguments. */
  readonly args?: readonly string[];
  /** The environment: only these variables plus PATH and HOME are passed (and CNB_PLATFORM_API unless null). */
  readonly env?: Record<string, string | undefined>;
  /** The Platform API; default 0.15; `null` leaves CNB_PLATFORM_API unset. */
  readonly platformApi?: string | null;
  readonly cwd?: string;
  /** Run as this uid/gid (only possible when the tests run as root). */
  readonly user?: { uid: number; gid: number };
  readonly timeoutMs?: number;
}

/** True when the test process is root (CI is). */
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Runs the built `dist/cnb/lifecycle/<phase>` (through its argv[0] symlink) and collects its output.
 * The environment is hermetic: nothing from the test process leaks in except PATH.
 */
export function runPhase(phase: string, opts: RunOptions = {}): Promise<PhaseRun> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/tmp' };
  if (opts.platformApi !== null) env['CNB_PLATFORM_API'] = opts.platformApi ?? '0.15';
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(join(LIFECYCLE_DIR, phase), [...(opts.args ?? [])], {
      env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(opts.user && isRoot ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
