/**
 * End to end on a Debian (bookworm, minbase, glibc) run image made by mmdebstrap from this machine's apt
 * mirror. The root file system tarball is cached under .tmp/run-images for the day (scripts/run-images), so
 * only the first run of a session bootstraps it (~20 s). One case: build, pull, unpack, run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerWriter } from '../../../src/layer/index.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { debianRootfsTar, debianRunImage, mmdebstrapUnavailable } from '../../../scripts/run-images/debian.js';
import { saveRunImage } from '../../../scripts/run-images/save.js';
import { buildWorkspace, create, e2eUnavailable, envMap, pullAndUnpack, ROOT, type BuildWorkspace } from './helpers.js';

const why = e2eUnavailable() ?? mmdebstrapUnavailable();
let registry: RegistryServer;
let ws: BuildWorkspace;
let work: string;

describe.skipIf(why !== undefined)(`e2e: creator on a Debian bookworm run image${why ? ` (skipped: ${why})` : ''}`, () => {
  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'cnb-e2e-deb-'));
    ws = await buildWorkspace();
    const tarPath = await debianRootfsTar({ cacheDir: join(ROOT, '.tmp', 'run-images') });
    const image = await debianRunImage({ writer: new LayerWriter({ artifactsDir: join(work, 'artifacts') }), tarPath });
    await saveRunImage(image, { kind: 'registry', ref: `${registry.host}/e2e/run-debian:bookworm` });
  }, 300_000);

  afterAll(async () => {
    await ws?.cleanup();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('builds the sample on Debian; the default web process, the hello process, env and exit codes under runc', async () => {
    const app = `${registry.host}/e2e/hello-debian:latest`;
    const built = await create(ws, app, `${registry.host}/e2e/run-debian:bookworm`);
    expect(built.code, built.stderr + built.stdout).toBe(0);

    const b = await pullAndUnpack(app, work);
    expect(b.process.args).toEqual(['/cnb/process/web']);
    // web: hello-web serves public/ with httpd where there is one; Debian minbase has none, so it prints the page.
    const web = await b.run();
    expect(web.code, web.stderr).toBe(0);
    expect(web.stdout).toContain('<p>Hello from a Cloud Native Buildpacks sample built with shell buildpacks.</p>');

    const hello = await b.run(['/cnb/process/hello']);
    expect(hello.stdout).toBe('Hello, world! (runtime: hello-shell)\n');
    expect(hello.code).toBe(0);

    const env = envMap((await b.run(['/cnb/lifecycle/launcher', 'env'])).stdout);
    expect(env['HELLO_RUNTIME']).toBe('hello-shell');
    expect(env['PORT']).toBe('8080');
    expect(env['PATH']?.split(':')).toContain(join(ws.layers, 'samples_shell-runtime', 'runtime', 'bin'));

    const ldd = await b.run(['/cnb/lifecycle/launcher', 'ldd --version | head -1; id -u; exit 3']);
    expect(ldd.stdout).toMatch(/GLIBC/);
    expect(ldd.stdout).toContain('\n1000\n');
    expect(ldd.code).toBe(3);
  }, 180_000);
});
