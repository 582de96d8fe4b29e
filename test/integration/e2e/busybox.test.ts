/**
 * End to end on the static busybox run image (no libc in the image): creator builds samples/apps/hello-shell
 * into the real local registry; the image is pulled with skopeo, unpacked with umoci and run with runc.
 * Then a second build with the same cache dir uploads nothing new, and a rebase onto a new version of the run
 * image runs again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerWriter } from '../../../src/layer/index.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { busyboxRunImage } from '../../../scripts/run-images/busybox.js';
import { saveRunImage } from '../../../scripts/run-images/save.js';
import { buildWorkspace, create, e2eUnavailable, envMap, pullAndUnpack, runLifecycle, type BuildWorkspace, type Run } from './helpers.js';

const why = e2eUnavailable();
let registry: RegistryServer;
let proxy: FaultProxy;
let ws: BuildWorkspace;
let work: string;
let host: string;
let first: Run;
let firstDigest: string;

async function pushBusybox(ref: string, revision: string): Promise<string> {
  const writer = new LayerWriter({ artifactsDir: join(work, `artifacts-${revision}`) });
  const r = await saveRunImage(await busyboxRunImage({ writer, revision }), { kind: 'registry', ref });
  return r.digest ?? '';
}

function digestOf(report: string): string {
  return /digest = "(sha256:[0-9a-f]{64})"/.exec(report)?.[1] ?? '';
}

describe.skipIf(why !== undefined)(`e2e: creator on the static busybox run image${why ? ` (skipped: ${why})` : ''}`, () => {
  const app = () => `${host}/e2e/hello-busybox:latest`;
  const run = () => `${host}/e2e/run-busybox:latest`;

  beforeAll(async () => {
    registry = await startRegistry();
    // Everything goes through a forwarding proxy that logs each request (the registry's own counters).
    proxy = await startFaultProxy({ host: '127.0.0.1', port: registry.port });
    host = proxy.host;
    work = await mkdtemp(join(tmpdir(), 'cnb-e2e-work-'));
    ws = await buildWorkspace();
    await pushBusybox(run(), "1");
    first = await create(ws, app(), run(), ["-process-type", "hello"]);
    firstDigest = digestOf(await import('node:fs/promises').then((fs) => fs.readFile(join(ws.layers, 'report.toml'), 'utf8')).catch(() => ''));
  }, 180_000);

  afterAll(async () => {
    await ws?.cleanup();
    await proxy?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('CR-01 creator builds the sample into the registry (all five phases, exit 0)', () => {
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout.split('\n').filter((l) => l.startsWith('===> '))).toEqual(['===> ANALYZING', '===> DETECTING', '===> RESTORING', '===> BUILDING', '===> EXPORTING']);
    expect(firstDigest).toMatch(/^sha256:/);
  });

  it('the image runs with runc on busybox: the app prints its greeting and exits 0', async () => {
    const b = await pullAndUnpack(app(), work);
    expect(b.process.args).toEqual(['/cnb/process/hello']);
    expect(b.process.user).toMatchObject({ uid: 1000, gid: 1000 });
    const r = await b.run();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello, world! (runtime: hello-shell)\n');
    expect(r.code).toBe(0);
  });

  it('the launch environment: layer env, env.launch defaults, PATH of the runtime layer; lifecycle vars stripped', async () => {
    const b = await pullAndUnpack(app(), work);
    const r = await b.run(['/cnb/lifecycle/launcher', 'env']);
    expect(r.code, r.stderr).toBe(0);
    const env = envMap(r.stdout);
    expect(env['HELLO_RUNTIME']).toBe('hello-shell');
    expect(env['PORT']).toBe('8080');
    // The layers live in the image at the build's <layers> path (CNB_LAYERS_DIR of the build).
    expect(env['PATH']?.split(':')).toContain(join(ws.layers, 'samples_shell-runtime', 'runtime', 'bin'));
    expect(env['CNB_PLATFORM_API']).toBeUndefined();
    expect(env['CNB_LAYERS_DIR']).toBeUndefined();
  });

  it('the exit code of the process is the container\'s exit code', async () => {
    const b = await pullAndUnpack(app(), work);
    const r = await b.run(['/cnb/lifecycle/launcher', 'echo bye; exit 7']);
    expect(r.stdout).toBe('bye\n');
    expect(r.code).toBe(7);
  });

  it('a second creator run with the same cache dir uploads no blob and writes the same manifest', async () => {
    await ws.resetLayers();
    proxy.log.length = 0;
    const second = await create(ws, app(), run(), ['-process-type', 'hello']);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toMatch(/Restoring data for "samples\/shell-runtime:runtime" from cache/);
    // The analyzer's write-access check (AN-06) opens and cancels an upload session (POST, DELETE); no
    // blob bytes go up (PATCH) and no upload is completed (PUT).
    const uploads = proxy.log.filter((l) => /\/blobs\/uploads\//.test(l.path) && (l.method === 'PATCH' || l.method === 'PUT'));
    expect(uploads, JSON.stringify(uploads)).toEqual([]);
    const puts = proxy.log.filter((l) => l.method === 'PUT').map((l) => l.path);
    expect(puts.every((p) => /\/manifests\//.test(p)), JSON.stringify(puts)).toBe(true);
    const report = await import('node:fs/promises').then((fs) => fs.readFile(join(ws.layers, 'report.toml'), 'utf8'));
    expect(digestOf(report)).toBe(firstDigest);
  });

  it('RB-05 a rebase onto a new version of the run image keeps the app layers; the rebased image runs', async () => {
    const before = await pullAndUnpack(app(), work);
    expect((await before.run(['/cnb/lifecycle/launcher', 'cat /etc/cnb-run-image-revision'])).stdout).toBe('1\n');
    await pushBusybox(run(), '2');
    const rb = await runLifecycle('rebaser', ['-report', join(ws.layers, 'rebase-report.toml'), app()], { CNB_USER_ID: '1000', CNB_GROUP_ID: '1000' });
    expect(rb.code, rb.stderr + rb.stdout).toBe(0);
    const after = await pullAndUnpack(app(), work);
    expect((await after.run(['/cnb/lifecycle/launcher', 'cat /etc/cnb-run-image-revision'])).stdout).toBe('2\n');
    const r = await after.run();
    expect(r.stdout).toBe('Hello, world! (runtime: hello-shell)\n');
    expect(r.code).toBe(0);
  });
});
