import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running `podman system service`: a real Docker Engine API (1.41) on a unix socket, in a private temp root. */
export interface PodmanService {
  readonly socketPath: string;
  /** `unix://<socketPath>`, a DOCKER_HOST value. */
  readonly dockerHost: string;
  readonly dir: string;
  /** Stops the service (SIGTERM to its pid, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
}

/** Either a service, or why podman cannot run on this machine (tests skip with that reason). */
export type PodmanStart = { readonly service: PodmanService; readonly skip?: undefined } | { readonly service?: undefined; readonly skip: string };

// TOOLING.md: this VM lets no one raise rlimits (default ulimits fail), crun fails on its cgroup layout (runc),
// and the default bridge network must never be used. The vfs driver keeps the private root free of mounts,
// so stop() can delete it; image_copy_tmp_dir keeps podman's load/save temp files out of /var/tmp.
function containersConf(dir: string): string {
  return [
    '[containers]',
    'default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]',
    'netns = "none"',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    `image_copy_tmp_dir = "${join(dir, 'tmp')}"`,
    '',
  ].join('\n');
}

const REGISTRIES_CONF = ['unqualified-search-registries = []', '[[registry]]', 'location = "127.0.0.1"', 'insecure = true', ''].join('\n');

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Starts `podman system service --time=0 unix://SOCK` in a fresh temp dir; waits until `/_ping` answers. */
export async function startPodman(timeoutMs = 30_000): Promise<PodmanStart> {
  if (spawnSync('podman', ['--version']).status !== 0) return { skip: 'podman is not installed (apt-get install podman)' };
  const dir = await mkdtemp(join(tmpdir(), 'cnb-podman-'));
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await writeFile(join(dir, 'containers.conf'), containersConf(dir));
  await writeFile(join(dir, 'registries.conf'), REGISTRIES_CONF);
  const socketPath = join(dir, 'podman.sock');
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf'), CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'), TMPDIR: join(dir, 'tmp') };
  const args = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'libpod'), '--storage-driver', 'vfs',
    'system', 'service', '--time=0', `unix://${socketPath}`];
  const child = spawn('podman', args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.on('error', (e) => (stderr += String(e)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await ping(socketPath)) return { service: { socketPath, dockerHost: `unix://${socketPath}`, dir, stop } };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  return { skip: `podman system service did not start: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no /_ping answer'}` };
}
