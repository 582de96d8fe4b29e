/**
 * End-to-end helpers: run the built `creator`/`rebaser` as root (buildpacks run as 1000:1000), pull the
 * result with skopeo into an OCI layout, unpack it with umoci and run it with runc.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chownTree } from '../../../src/sys/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const LIFECYCLE = join(ROOT, 'dist', 'cnb', 'lifecycle');
export const SAMPLES = join(ROOT, 'samples');
export const CNB_UID = 1000;
export const CNB_GID = 1000;

/** Why the e2e suite cannot run here (not root, a tool or the build missing), or undefined. */
export function e2eUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (runc, chown, privilege drop)';
  for (const tool of ['skopeo', 'umoci', 'runc', 'docker-registry', 'busybox']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  if (spawnSync('test', ['-x', join(LIFECYCLE, 'creator')]).status !== 0) return 'dist/cnb/lifecycle is not built (npm run build)';
  return undefined;
}

/** One process run. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a lifecycle phase binary with a hermetic environment. */
export function runLifecycle(phase: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(LIFECYCLE, phase), [...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/root', CNB_PLATFORM_API: '0.15', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A build workspace: the sample app (owned by the build user), layers, platform and cache dirs. */
export interface BuildWorkspace {
  readonly dir: string;
  readonly app: string;
  readonly layers: string;
  readonly platform: string;
  readonly cache: string;
  /** Fresh `<layers>` for a new build (a platform gives each build an empty layers volume). */
  resetLayers(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Creates a build workspace for samples/apps/hello-shell. */
export async function buildWorkspace(): Promise<BuildWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'cnb-e2e-'));
  await chmod(dir, 0o755); // the build user must reach the app dir
  const sub = (n: string) => join(dir, n);
  for (const d of ['app', 'layers', 'platform', 'cache']) await mkdir(sub(d));
  await cp(join(SAMPLES, 'apps', 'hello-shell'), sub('app'), { recursive: true });
  await chownTree(sub('app'), CNB_UID, CNB_GID);
  return {
    dir,
    app: sub('app'),
    layers: sub('layers'),
    platform: sub('platform'),
    cache: sub('cache'),
    async resetLayers() {
      await rm(sub('layers'), { recursive: true, force: true });
      await mkdir(sub('layers'));
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * `creator` on the sample app and buildpacks, as root with CNB_USER_ID/CNB_GROUP_ID 1000. The run image is
 * named in `<ws>/run.toml` (`-run`), as a builder's /cnb/run.toml would, so the app image's lifecycle label
 * records `runImage.image` (RI-02) and a later rebase finds the run image by itself (RB-04).
 */
export async function create(ws: BuildWorkspace, image: string, runImage: string, extra: readonly string[] = []): Promise<Run> {
  const runToml = join(ws.dir, 'run.toml');
  await writeFile(runToml, `[[images]]\nimage = ${JSON.stringify(runImage)}\n`);
  return runLifecycle(
    'creator',
    [
      '-app', ws.app, '-layers', ws.layers, '-platform', ws.platform, '-cache-dir', ws.cache,
      '-buildpacks', join(SAMPLES, 'buildpacks'), '-order', join(SAMPLES, 'buildpacks', 'order.toml'),
      '-launcher', join(LIFECYCLE, 'launcher'), '-launcher-sbom', LIFECYCLE,
      '-run', runToml, ...extra, image,
    ],
    { CNB_USER_ID: String(CNB_UID), CNB_GROUP_ID: String(CNB_GID) },
  );
}

/** Runs a command asynchronously (the registry proxy lives in this process: never block the event loop). */
export function exec(cmd: string, args: readonly string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

async function must(cmd: string, args: readonly string[]): Promise<string> {
  const r = await exec(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** An image pulled from the registry and unpacked into a runc bundle. */
export interface Bundle {
  readonly dir: string;
  /** The image config's process (args, env, user) from umoci's config.json. */
  readonly process: { args: string[]; env: string[]; user: { uid: number; gid: number }; cwd: string };
  /** Runs the image's entrypoint, or `args` instead (as `docker run --entrypoint`). */
  run(args?: readonly string[]): Promise<Run>;
}

let containers = 0;

/** skopeo copy docker://ref → oci layout, umoci unpack, terminal=false (TOOLING.md). */
export async function pullAndUnpack(ref: string, workDir: string): Promise<Bundle> {
  const n = ++containers;
  const layout = join(workDir, `pulled-${n}`);
  const dir = join(workDir, `bundle-${n}`);
  await must('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${ref}`, `oci:${layout}:app`]);
  await must('umoci', ['unpack', '--image', `${layout}:app`, dir]);
  const configPath = join(dir, 'config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8'));
  config.process.terminal = false;
  await writeFile(configPath, JSON.stringify(config));
  const process0 = structuredClone(config.process);
  return {
    dir,
    process: process0,
    async run(args) {
      const c = structuredClone(config);
      if (args) c.process.args = [...args];
      writeFileSync(configPath, JSON.stringify(c));
      const id = `cnb-e2e-${global.process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`;
      try {
        return await exec('runc', ['run', '-b', dir, id], 60_000);
      } finally {
        await exec('runc', ['delete', '-f', id]);
      }
    },
  };
}

/** The process environment a bundle's process would see: `KEY=value` lines → map. */
export function envMap(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
