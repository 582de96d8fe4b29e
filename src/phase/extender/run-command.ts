import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LifecycleError } from '../../errors/index.js';

/** A child process launch (spawn with inherited output); injectable for fault tests. */
export type Spawner = (command: string, args: readonly string[], o: { cwd?: string; env: Record<string, string>; uid?: number; gid?: number }) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

/** The default Spawner: node's spawn, stdout/stderr inherited (extension output is build output). */
export const spawnInherit: Spawner = (command, args, o) =>
  new Promise((res, rej) => {
    const child = spawn(command, [...args], {
      env: o.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      ...(o.cwd ? { cwd: o.cwd } : {}),
      ...(o.uid !== undefined && process.getuid?.() === 0 ? { uid: o.uid, gid: o.gid ?? 0 } : {}),
    });
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal }));
  });

/** The chroot binary of the lifecycle's own system (the RUN env's PATH is the image's, so no PATH lookup). */
function findChroot(): string {
  return ['/usr/sbin/chroot', '/usr/bin/chroot', '/sbin/chroot', '/bin/chroot'].find((p) => existsSync(p)) ?? 'chroot';
}

/** One RUN to execute inside the root file system. */
export interface RunSpec {
  /** The full argv: exec form as written, or the shell (default `/bin/sh -c`) plus the command. */
  readonly argv: readonly string[];
  /** The working directory inside the root (container path). */
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
}

/** Where RUN executes: the real `/` (in the build or run container, as [REF] kaniko does) or a chroot dir. */
export interface RunRoot {
  /** `/` or a directory that is chrooted into (tests: a busybox root file system in a temp dir). */
  readonly rootDir: string;
  readonly spawn?: Spawner;
  /** The `chroot` binary (default `chroot` from PATH). */
  readonly chroot?: string;
}

/**
 * Executes one RUN instruction with the image's environment only (never the lifecycle's own), as
 * `uid:gid`, in `workingDir`. With rootDir `/` the command is spawned directly; otherwise through
 * `chroot --userspec=uid:gid <root> /bin/sh -c 'cd -- "$0" && exec "$@"' <dir> <argv...>` (the root must have
 * `/bin/sh`, as Docker requires for the shell form). Output streams to ours. A non-zero exit is ERR_EXTEND.
 */
export async function runInRoot(root: RunRoot, spec: RunSpec, describe: string): Promise<void> {
  const [cmd, ...rest] = spec.argv;
  if (!cmd) throw new LifecycleError('ERR_EXTEND', `${describe}: empty command`);
  const isRealRoot = resolve(root.rootDir) === '/';
  const command = isRealRoot ? cmd : root.chroot ?? findChroot();
  const args = isRealRoot
    ? rest
    : [`--userspec=${spec.uid}:${spec.gid}`, `--groups=${spec.gid}`, resolve(root.rootDir), '/bin/sh', '-c', 'cd -- "$0" && exec "$@"', spec.workingDir, ...spec.argv];
  let r;
  try {
    r = await (root.spawn ?? spawnInherit)(command, args, { env: { ...spec.env }, ...(isRealRoot ? { cwd: spec.workingDir, uid: spec.uid, gid: spec.gid } : {}) });
  } catch (e) {
    throw new LifecycleError('ERR_EXTEND', `${describe}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (r.signal) throw new LifecycleError('ERR_EXTEND', `${describe}: killed by ${r.signal}`);
  if (r.code !== 0) throw new LifecycleError('ERR_EXTEND', `${describe}: returned a non-zero code: ${r.code}`);
}
