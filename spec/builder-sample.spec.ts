/**
 * The sample app (samples/apps/hello-shell) with the sample shell buildpacks (samples/buildpacks): a real
 * detector → builder run. The order's first entry is the composite samples/hello-meta, whose order marks
 * samples/shell-runtime optional.
 */
import { access, cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownR, isRoot, ROOT, runPhase, TEST_GID, TEST_UID, type PhaseRun } from './harness/index.js';
import { readMetadata, workspace, type BuildWorkspace } from './fixtures/builder/harness.js';

const SAMPLES = join(ROOT, 'samples');
let ws: BuildWorkspace;
let detect: PhaseRun;
let build: PhaseRun;
const exists = (p: string) => access(p).then(() => true, () => false);
const L = (...p: string[]) => join(ws.layers, ...p);

async function runAs(phase: string, args: string[]): Promise<PhaseRun> {
  if (isRoot) await chownR(ws.dir, TEST_UID, TEST_GID);
  return runPhase(phase, { platformApi: '0.15', args, user: { uid: TEST_UID, gid: TEST_GID } });
}

const common = () => ['-app', ws.app, '-layers', ws.layers, '-platform', ws.platform, '-buildpacks', join(ws.dir, 'buildpacks')];

beforeAll(async () => {
  ws = await workspace();
  await cp(join(SAMPLES, 'apps', 'hello-shell'), ws.app, { recursive: true });
  await cp(join(SAMPLES, 'buildpacks'), join(ws.dir, 'buildpacks'), { recursive: true });
  detect = await runAs('detector', [...common(), '-order', join(ws.dir, 'buildpacks', 'order.toml')]);
  build = await runAs('builder', common());
});
afterAll(() => ws.cleanup());

describe('sample hello-shell: detector then builder', () => {
  it('DT-04 detection picks the composite order entry; the optional buildpack passes and is kept', async () => {
    expect(detect.code, detect.stderr + detect.stdout).toBe(0);
    const group = TOML.parse(await readFile(L('group.toml'), 'utf8')) as any;
    expect(group.group.map((g: any) => [g.id, g.api])).toEqual([
      ['samples/shell-runtime', '0.12'],
      ['samples/hello-app', '0.12'],
    ]);
  });

  it('BL-03 BL-05 the builder runs both buildpacks, each with its Buildpack Plan', async () => {
    expect(build.code, build.stderr + build.stdout).toBe(0);
    expect(build.stdout).toContain('---> samples/shell-runtime');
    expect(build.stdout).toContain('---> samples/hello-app');
  });

  it('LY-01 LY-03 the runtime layer is launch+build+cache with bin/ and env; the cache-only layer holds a counter', async () => {
    const rt = TOML.parse(await readFile(L('samples_shell-runtime', 'runtime.toml'), 'utf8')) as any;
    expect(rt.types).toEqual({ launch: true, build: true, cache: true }); // launch because hello-app asked for it
    expect(await exists(L('samples_shell-runtime', 'runtime', 'bin', 'hello-web'))).toBe(true);
    expect(await readFile(L('samples_shell-runtime', 'runtime', 'env', 'HELLO_RUNTIME'), 'utf8')).toBe('hello-shell');
    expect(await readFile(L('samples_shell-runtime', 'build-cache', 'count'), 'utf8')).toBe('1\n');
    expect(await readFile(L('samples_hello-app', 'app-config', 'env.launch', 'web', 'GREETING'), 'utf8')).toBe('Hello from the web process');
  });

  it('BL-09 ENV-09 the runtime build layer was on PATH and in the env of hello-app (its build checks both)', async () => {
    // samples/hello-app's bin/build exits 1 unless hello-web is on PATH and HELLO_RUNTIME is set
    expect(build.code).toBe(0);
    expect(build.stderr).not.toMatch(/not on PATH|not set/);
  });

  it('FMT-METADATA metadata.toml: web is the default, processes, buildpacks, labels and slices', async () => {
    const md = await readMetadata(ws);
    expect(md['buildpack-default-process-type']).toBe('web');
    expect(md['processes']).toEqual([
      { type: 'hello', command: ['./hello.sh'], args: [], direct: true, 'buildpack-id': 'samples/hello-app', 'exec-env': ['*'] },
      { type: 'web', command: ['hello-web'], args: ['public'], direct: true, 'buildpack-id': 'samples/hello-app', 'exec-env': ['*'] },
    ]);
    expect(md['buildpacks']).toEqual([
      { id: 'samples/shell-runtime', version: '0.0.1', api: '0.12', homepage: 'https://example.invalid/samples/shell-runtime' },
      { id: 'samples/hello-app', version: '0.0.1', api: '0.12' },
    ]);
    expect(md['labels']).toEqual([{ key: 'io.buildpacks.samples.hello', value: 'shell' }]);
    expect(md['slices']).toEqual([{ paths: ['public'] }]);
  });

  it('BL-20 the SBOMs are in <layers>/sbom', async () => {
    expect(JSON.parse(await readFile(L('sbom', 'launch', 'samples_shell-runtime', 'runtime', 'sbom.cdx.json'), 'utf8')).bomFormat).toBe('CycloneDX');
    expect(await exists(L('sbom', 'cache', 'samples_shell-runtime', 'runtime', 'sbom.cdx.json'))).toBe(true);
    expect(JSON.parse(await readFile(L('sbom', 'launch', 'samples_hello-app', 'sbom.spdx.json'), 'utf8')).spdxVersion).toBe('SPDX-2.3');
  });

  it('LY-03 a second build over the same layers sees the cache layer contents (count 2)', async () => {
    const again = await runAs('builder', common());
    expect(again.code, again.stderr).toBe(0);
    expect(await readFile(L('samples_shell-runtime', 'build-cache', 'count'), 'utf8')).toBe('2\n');
  });
});
