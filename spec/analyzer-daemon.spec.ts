/**
 * analyzer with -daemon against a real Docker Engine API (`podman system service`, test/helpers/podman.ts):
 * image IDs as references (AN-09, AN-11), no registry access checks (AN-06), tags on any registry (AN-03),
 * previous image by image ID (AN-04). Skipped when podman cannot run here.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDaemonStore, type DaemonStore } from '../src/daemon/index.js';
import type { LifecycleMetadata } from '../src/platform/index.js';
import { startPodman } from '../test/helpers/podman.js';
import { appImage, makeTempDir, readTomlFile, runImage, runPhase, sbomLayer, type PhaseRun } from './harness/index.js';

const started = await startPodman();
const podman = started.service;
let store: DaemonStore;
let runId: string;
let dir: string;
let layers: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (!podman) return;
  store = createDaemonStore({ dockerHost: podman.dockerHost });
  runId = (await store.write(await runImage({ labels: { 'io.buildpacks.base.id': 'daemon.run' } }), ['cnb-spec/run:latest'])).imageId;
});
afterAll(async () => {
  await store?.close();
  await podman?.stop();
});
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('cnb-an-daemon-'));
  layers = join(dir, 'layers');
});
afterEach(async () => cleanup());

const analyzer = (args: string[], platformApi = '0.15'): Promise<PhaseRun> =>
  runPhase('analyzer', { args: ['-daemon', '-layers', layers, ...args], platformApi, env: { DOCKER_HOST: podman!.dockerHost } });
const analyzed = () => readTomlFile(join(layers, 'analyzed.toml'));
const md = (sbom?: string): LifecycleMetadata => ({
  app: [],
  buildpacks: [{ key: 'acme/go', version: '2.0.0', layers: {} }],
  config: { sha: '' },
  launcher: { sha: '' },
  processTypes: { sha: '' },
  runImage: { topLayer: '', reference: '' },
  ...(sbom ? { sbom: { sha: sbom } } : {}),
});

describe.skipIf(!podman)(podman ? 'analyzer -daemon (podman)' : `analyzer -daemon (SKIPPED: ${started.skip})`, () => {
  for (const api of ['0.7', '0.12', '0.15']) {
    it(`AN-09/AN-11 daemon references are image IDs; AN-06 no registry is contacted (Platform ${api})`, async () => {
      const sbom = await sbomLayer(layers, { 'acme_go/sbom.cdx.json': '{"d":1}' });
      const appId = (await store.write(await appImage({ metadata: md(await sbom.diffId()), layers: [sbom] }), [`cnb-spec/app-${api}:latest`])).imageId;
      // tags on registries that do not exist: AN-03 is not enforced and AN-06 is skipped with -daemon
      const r = await analyzer(['-run-image', 'cnb-spec/run', '-tag', 'unreachable.invalid/app:v2', `cnb-spec/app-${api}`], api);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const a = await analyzed();
      expect(a['image']['reference']).toBe(appId.replace('sha256:', '')); // [REF] imgutil: the ID's hex
      expect(a['metadata']['buildpacks'][0]['key']).toBe('acme/go');
      expect(a['run-image']['reference']).toBe(runId.replace('sha256:', ''));
      if (api !== '0.7') {
        expect(a['run-image']['image']).toBe('cnb-spec/run');
        expect(a['run-image']['target']['id']).toBe('daemon.run');
        expect(await readFile(join(layers, 'sbom/launch/acme_go/sbom.cdx.json'), 'utf8')).toBe('{"d":1}'); // AN-15 from the daemon
      }
    });
  }

  it('AN-04 with -daemon the previous image may be given by image ID', async () => {
    const id = (await store.write(await appImage({ metadata: md() }), ['cnb-spec/prev:latest'])).imageId;
    const r = await analyzer(['-run-image', 'cnb-spec/run', '-previous-image', id, 'cnb-spec/new']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await analyzed())['image']['reference']).toBe(id.replace('sha256:', ''));
  });

  it('AN-05 a missing app image in the daemon gives [image] reference = ""', async () => {
    const r = await analyzer(['-run-image', 'cnb-spec/run', 'cnb-spec/does-not-exist']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await analyzed())['image']).toEqual({ reference: '' });
    expect(await stat(join(layers, 'analyzed.toml')).then(() => true)).toBe(true);
  });
});
