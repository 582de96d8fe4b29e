// The lifecycle image (Dockerfile, SOURCE=prebuilt): built by buildah from dist/linux-amd64, pushed to a real
// docker-registry on 127.0.0.1, checked with skopeo (labels, files) and run with `buildah run`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, buildBinaries, expectedLifecycleToml, has, isRoot, run } from './helpers.js';

const missing = ['buildah', 'skopeo', 'docker-registry'].filter((t) => !has(t));
const canRun = missing.length === 0 && isRoot && process.platform === 'linux' && process.arch === 'x64';
const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let work = '';
let registry: ChildProcess | undefined;
let ref = '';
let storage: string[] = [];
let env: NodeJS.ProcessEnv = {};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

/** The expected io.buildpacks.lifecycle.apis value, from lifecycle.toml. */
function expectedApis(): unknown {
  const r = run(process.execPath, ['--input-type=module', '-e', "process.stdout.write((await import('./scripts/binaries/image.mjs')).apisLabel())"], { cwd: ROOT });
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  if (!canRun) return;
  buildBinaries(['linux-amd64']);
  work = mkdtempSync(join(tmpdir(), 'lc-image-'));
  const port = await freePort();
  const config = join(work, 'registry.yml');
  writeFileSync(config, `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${join(work, 'registry')}}}\nhttp: {addr: 127.0.0.1:${port}}\n`);
  registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  await waitFor(`http://127.0.0.1:${port}/v2/`);
  ref = `127.0.0.1:${port}/lifecycle:test`;
  writeFileSync(join(work, 'containers.conf'), '[containers]\ndefault_ulimits=["nofile=1024:1024","nproc=4096:4096"]\n[engine]\nruntime="runc"\n');
  env = { ...process.env, CONTAINERS_CONF: join(work, 'containers.conf') };
  storage = ['--root', join(work, 'storage', 'root'), '--runroot', join(work, 'storage', 'runroot'), '--storage-driver', 'vfs'];
  const b = run(process.execPath, [join(ROOT, 'scripts', 'binaries', 'image.mjs'), '--tag', 'localhost/lifecycle:test', '--root', join(work, 'storage'), '--push', `docker://${ref}`], { cwd: ROOT, env });
  if (b.code !== 0) throw new Error(`image build failed:\n${b.stdout}\n${b.stderr}`);
}, 600_000);

afterAll(() => {
  registry?.kill();
  if (work) {
    run('buildah', [...storage, 'rm', '--all'], { env });
    run('buildah', [...storage, 'rmi', '--all', '--force'], { env });
    rmSync(work, { recursive: true, force: true });
  }
});

describe('Dockerfile', () => {
  it('label defaults equal package.json and lifecycle.toml (for builds without scripts/binaries/image.mjs)', () => {
    const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(/^ARG LIFECYCLE_VERSION=(.*)$/m.exec(text)?.[1]).toBe(pkgVersion);
    const apis = /^ARG LIFECYCLE_APIS='(.*)'$/m.exec(text)?.[1] ?? '';
    expect(JSON.parse(apis)).toEqual(expectedApis());
  });
});

describe.skipIf(!canRun)(`lifecycle image in a registry${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`, () => {
  it('carries the io.buildpacks.lifecycle.version and .apis labels', () => {
    const r = run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { Labels: Record<string, string>; Architecture: string; Os: string };
    expect(info.Labels['io.buildpacks.lifecycle.version']).toBe(pkgVersion);
    expect(JSON.parse(info.Labels['io.buildpacks.lifecycle.apis'] ?? '')).toEqual(expectedApis());
    expect(`${info.Os}/${info.Architecture}`).toBe('linux/amd64');
    const config = JSON.parse(run('skopeo', ['inspect', '--tls-verify=false', '--config', `docker://${ref}`]).stdout) as { config: { Entrypoint?: unknown } };
    expect(config.config.Entrypoint ?? null).toBeNull(); // platforms run /cnb/lifecycle/<phase> as the command
  });

  it('holds /cnb/lifecycle/{lifecycle, phase links, launcher?, lifecycle.toml} and the glibc runtime', () => {
    const oci = join(work, 'oci');
    expect(run('skopeo', ['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${oci}:test`]).code).toBe(0);
    const blobs = join(oci, 'blobs', 'sha256');
    const index = JSON.parse(readFileSync(join(oci, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(blobs, (index.manifests[0]?.digest ?? '').slice(7)), 'utf8')) as { layers: { digest: string }[] };
    const listing = manifest.layers.flatMap((l) => run('tar', ['-tvzf', join(blobs, l.digest.slice(7))]).stdout.split('\n'));
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(' ').replace(/^\.?\//, ''));
    expect(names).toContain('cnb/lifecycle/lifecycle');
    expect(names).toContain('cnb/lifecycle/lifecycle.toml');
    expect(names).toContain('cnb/lifecycle/detector -> lifecycle');
    expect(names).toContain('lib64/ld-linux-x86-64.so.2');
    expect(names).toContain('lib/x86_64-linux-gnu/libstdc++.so.6');
    const dist = readdirSync(join(ROOT, 'dist', 'linux-amd64', 'cnb', 'lifecycle'));
    if (dist.includes('launcher')) expect(names).toContain('cnb/lifecycle/launcher');
    const toml = manifest.layers
      .map((l) => run('tar', ['-xzOf', join(blobs, l.digest.slice(7)), 'cnb/lifecycle/lifecycle.toml']))
      .find((r) => r.code === 0);
    expect(toml?.stdout).toBe(expectedLifecycleToml());
  });

  it('runs its phases from the image root (no node, only the shipped glibc/libstdc++)', () => {
    const from = run('buildah', [...storage, 'from', '--pull-never', 'localhost/lifecycle:test'], { env });
    expect(from.code, from.stderr).toBe(0);
    const c = from.stdout.trim();
    const v = run('buildah', [...storage, 'run', '--isolation', 'chroot', c, '/cnb/lifecycle/lifecycle', '-version'], { env });
    expect(v.stdout.trim()).toBe(pkgVersion);
    const h = run('buildah', [...storage, 'run', '--isolation', 'chroot', '--env', 'CNB_PLATFORM_API=0.12', c, '/cnb/lifecycle/analyzer', '-help'], { env });
    expect(h.stdout).toMatch(/^Usage: analyzer /);
  });
});
