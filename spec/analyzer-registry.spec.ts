/**
 * analyzer (§3.1) against a real docker-registry: analyzed.toml contents (FMT-AN), previous image metadata,
 * run image identification and targets, SBOM restoration, privileges.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LifecycleMetadata } from '../src/platform/index.js';
import {
  appImage,
  fileLayer,
  isRoot,
  makeTempDir,
  putImage,
  readTomlFile,
  runImage,
  runPhase,
  sbomLayer,
  startSpecRegistry,
  TEST_GID,
  TEST_UID,
  type PhaseRun,
  type SpecRegistry,
} from './harness/index.js';

const APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];
const atLeast = (api: string, v: string) => Number(api.split('.')[1]) >= Number(v.split('.')[1]);
let reg: SpecRegistry;
let runDigest: string;
let dir: string;
let layers: string;
let cleanup: () => Promise<void>;
let n = 0;

beforeAll(async () => {
  reg = await startSpecRegistry();
  runDigest = (await putImage({ registry: reg }, reg.ref('run'), await runImage({ variant: 'v8' }))).digest;
});
afterAll(async () => reg?.stop());
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('cnb-an-reg-'));
  layers = join(dir, 'layers');
});
afterEach(async () => cleanup());

/** A fresh repository name per test (tests share the registry). */
const repo = (name: string) => `${name}-${++n}`;
const analyzer = (args: string[], platformApi = '0.15', env: Record<string, string> = {}): Promise<PhaseRun> =>
  runPhase('analyzer', { args: ['-layers', layers, ...args], platformApi, env });
const analyzed = () => readTomlFile(join(layers, 'analyzed.toml'));
const exists = (p: string) => stat(p).then(() => true, () => false);

function metadata(overrides: Partial<LifecycleMetadata> = {}): LifecycleMetadata {
  return {
    app: [{ sha: 'sha256:1111111111111111111111111111111111111111111111111111111111111111' }],
    buildpacks: [
      {
        key: 'acme/node',
        version: '1.2.3',
        layers: { deps: { sha: 'sha256:2222222222222222222222222222222222222222222222222222222222222222', data: { version: '20' }, build: false, launch: true, cache: true } },
        store: { counter: 3 },
      },
    ],
    config: { sha: 'sha256:3333333333333333333333333333333333333333333333333333333333333333' },
    launcher: { sha: 'sha256:4444444444444444444444444444444444444444444444444444444444444444' },
    processTypes: { sha: '' },
    runImage: { topLayer: 'sha256:5555555555555555555555555555555555555555555555555555555555555555', reference: 'example.com/run@sha256:6666666666666666666666666666666666666666666666666666666666666666' },
    ...overrides,
  };
}

describe('analyzer with a registry', () => {
  for (const api of APIS) {
    it(`AN-05/AN-09/AN-11 a missing app image is fine: [image] reference = "", run image by digest (Platform ${api})`, async () => {
      const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(repo('missing'))], api);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const a = await analyzed();
      expect(a['image']).toEqual({ reference: '' });
      expect(a['run-image']['reference']).toBe(`${reg.host}/run@${runDigest}`);
      if (atLeast(api, '0.12')) {
        expect(a['run-image']['image']).toBe(reg.ref('run')); // AN-11 ≥0.12
        // AN-12, ERRATA-04, ERRATA-D1
        expect(a['run-image']['target']).toEqual({ id: 'test.run.image', os: 'linux', arch: 'amd64', 'arch-variant': 'v8', distribution: { name: 'ubuntu', version: '22.04' } });
      } else {
        expect(a['run-image']['image']).toBeUndefined();
        expect(a['run-image']['target']).toBeUndefined();
      }
    });
  }

  it('AN-05 a missing -previous-image and -cache-image on the registry are accepted (exit 0)', async () => {
    const r = await analyzer(['-run-image', reg.ref('run'), '-previous-image', reg.ref(repo('prev')), '-cache-image', reg.ref(repo('cache')), reg.ref(repo('app'))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['image']['reference']).toBe('');
  });

  it('AN-08/AN-09/AN-10 the previous image defaults to <image>; [metadata] is the TOML form of its label', async () => {
    const name = repo('app');
    const { digest } = await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata() }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code, r.stderr).toBe(0);
    const a = await analyzed();
    expect(a['image']['reference']).toBe(`${reg.host}/${name}@${digest}`);
    const m = a['metadata'];
    expect(m['app']).toEqual([{ sha: metadata().app[0]!.sha }]);
    expect(m['buildpacks'][0]['key']).toBe('acme/node');
    expect(m['buildpacks'][0]['layers']['deps']).toEqual({ sha: metadata().buildpacks[0]!.layers['deps']!.sha, metadata: { version: '20' }, build: false, launch: true, cache: true });
    expect(m['buildpacks'][0]['store']).toEqual({ metadata: { counter: 3 } });
    expect(m['run-image']['top-layer']).toBe(metadata().runImage.topLayer);
    expect(m['process-types']).toEqual({ sha: '' });
    expect(m['launcher']['sha']).toBe(metadata().launcher.sha);
  });

  it('AN-08 -previous-image is read instead of <image>', async () => {
    const prev = repo('prev');
    const { digest } = await putImage({ registry: reg }, reg.ref(prev), await appImage({ metadata: metadata() }));
    const r = await analyzer(['-run-image', reg.ref('run'), '-previous-image', reg.ref(prev), reg.ref(repo('new'))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['image']['reference']).toBe(`${reg.host}/${prev}@${digest}`);
  });

  it('AN-10 a previous image without the lifecycle label gives empty [metadata] and exit 0', async () => {
    const name = repo('nolabel');
    const { digest } = await putImage({ registry: reg }, reg.ref(name), await appImage({}));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code, r.stderr).toBe(0);
    const a = await analyzed();
    expect(a['image']['reference']).toBe(`${reg.host}/${name}@${digest}`);
    expect(a['metadata']['buildpacks']).toEqual([]);
  });

  it('AN-10 an undecodable label is ignored with an info log: empty [metadata], exit 0', async () => {
    const name = repo('corrupt');
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: '{not json' }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Ignoring image "${reg.ref(name)}"`);
    const a = await analyzed();
    expect(a['metadata']['buildpacks']).toEqual([]);
    expect(a['image']['reference']).toBe('');
  });

  it('AN-12/ERRATA-04 target data: os, arch, arch-variant, distro labels, id', async () => {
    const name = repo('arm-run');
    await putImage({ registry: reg }, reg.ref(name), await runImage({ arch: 'arm', variant: 'v7', labels: { 'io.buildpacks.base.id': 'my.target', 'io.buildpacks.base.distro.name': 'debian', 'io.buildpacks.base.distro.version': '12' } }));
    const r = await analyzer(['-run-image', reg.ref(name), reg.ref(repo('app'))], '0.12');
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['target']).toEqual({ id: 'my.target', os: 'linux', arch: 'arm', 'arch-variant': 'v7', distribution: { name: 'debian', version: '12' } });
  });

  it('AN-12 a run image without distro labels has no [run-image.target.distribution]', async () => {
    const name = repo('plain-run');
    await putImage({ registry: reg }, reg.ref(name), await runImage({ labels: null }));
    const r = await analyzer(['-run-image', reg.ref(name), reg.ref(repo('app'))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['target']).toEqual({ os: 'linux', arch: 'amd64' });
  });

  it('FMT-07/ERRATA-05 the bionic stack id without target labels implies ubuntu 18.04 (amd64)', async () => {
    const name = repo('bionic-run');
    await putImage({ registry: reg }, reg.ref(name), await runImage({ labels: { 'io.buildpacks.stack.id': 'io.buildpacks.stacks.bionic' }, noDefaultLabels: true }));
    const r = await analyzer(['-run-image', reg.ref(name), reg.ref(repo('app'))]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['target']).toEqual({ os: 'linux', arch: 'amd64', distribution: { name: 'ubuntu', version: '18.04' } });
  });

  for (const api of ['0.12', '0.15']) {
    it(`AN-13 a run image config with an empty os fails with exit 32 (Platform ${api})`, async () => {
      const name = repo('no-os');
      await putImage({ registry: reg }, reg.ref(name), await runImage({ os: '' }));
      const r = await analyzer(['-run-image', reg.ref(name), reg.ref(repo('app'))], api);
      expect(r.code).toBe(32);
      expect(r.stderr).toContain('failed to find OS in run image config');
    });
  }

  it('AN-13 below 0.12 an empty os is not checked (no target data is written)', async () => {
    const name = repo('no-os-old');
    await putImage({ registry: reg }, reg.ref(name), await runImage({ os: '' }));
    const r = await analyzer(['-run-image', reg.ref(name), reg.ref(repo('app'))], '0.11');
    expect(r.code, r.stderr).toBe(0);
  });

  for (const api of ['0.8', '0.9', '0.12', '0.15']) {
    it(`AN-15 the previous image's SBOM layer is restored under <layers>/sbom/launch, nothing else (Platform ${api})`, async () => {
      const name = repo('sbom');
      const sbom = await sbomLayer(layers, { 'acme_node/sbom.cdx.json': '{"bomFormat":"CycloneDX"}', 'acme_node/deps/sbom.spdx.json': '{}' });
      const img = await appImage({ metadata: metadata({ sbom: { sha: await sbom.diffId() } }), layers: [sbom, { [`${layers}/acme_node/deps.toml`]: 'x', [`${dir}/outside`]: 'y' }] });
      await putImage({ registry: reg }, reg.ref(name), img);
      const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)], api);
      expect(r.code, r.stderr).toBe(0);
      expect(await readFile(join(layers, 'sbom/launch/acme_node/sbom.cdx.json'), 'utf8')).toBe('{"bomFormat":"CycloneDX"}');
      expect(await readFile(join(layers, 'sbom/launch/acme_node/deps/sbom.spdx.json'), 'utf8')).toBe('{}');
      expect(r.stdout).toContain('Restoring data for SBOM from previous image');
      expect(await exists(join(layers, 'acme_node'))).toBe(false); // AN-18
      expect(await exists(join(dir, 'outside'))).toBe(false);
    });
  }

  it('AN-15 an SBOM layer with entries outside <layers>/sbom/launch only restores what is inside', async () => {
    const name = repo('sbom-mixed');
    const mixed = await fileLayer({ [`${layers}/sbom/launch/x/sbom.cdx.json`]: '{}', [`${layers}/sbom/build/x/sbom.cdx.json`]: 'build', [`${layers}/other/file`]: 'no', '/etc/evil': 'no' });
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata({ sbom: { sha: await mixed.diffId() } }), layers: [mixed] }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(layers, 'sbom/launch/x/sbom.cdx.json'))).toBe(true);
    expect(await exists(join(layers, 'sbom/build'))).toBe(false);
    expect(await exists(join(layers, 'other'))).toBe(false);
    expect(await exists(join(layers, 'etc'))).toBe(false);
  });

  for (const via of ['flag', 'env']) {
    it(`AN-14 -skip-layers (${via}) does not restore the SBOM layer`, async () => {
      const name = repo('skip');
      const sbom = await sbomLayer(layers, { 'acme_node/sbom.cdx.json': '{}' });
      await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata({ sbom: { sha: await sbom.diffId() } }), layers: [sbom] }));
      const r = await analyzer([...(via === 'flag' ? ['-skip-layers'] : []), '-run-image', reg.ref('run'), reg.ref(name)], '0.9', via === 'env' ? { CNB_SKIP_LAYERS: 'true' } : {});
      expect(r.code, r.stderr).toBe(0);
      expect(await exists(join(layers, 'sbom'))).toBe(false);
      expect((await analyzed())['metadata']['sbom']['sha']).toBe(await sbom.diffId());
    });
  }

  it('AN-15 Platform 0.7 has no SBOMs: the SBOM layer is not restored', async () => {
    const name = repo('sbom07');
    const sbom = await sbomLayer(layers, { 'acme_node/sbom.cdx.json': '{}' });
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata({ sbom: { sha: await sbom.diffId() } }), layers: [sbom] }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)], '0.7');
    expect(r.code, r.stderr).toBe(0);
    expect(await exists(join(layers, 'sbom'))).toBe(false);
  });

  it('AN-15 a label sbom.sha naming a layer the image does not have fails with exit 32', async () => {
    const name = repo('sbom-missing');
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata({ sbom: { sha: 'sha256:7777777777777777777777777777777777777777777777777777777777777777' } }) }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code).toBe(32);
    expect(r.stderr).toContain('SBOM');
  });

  it('AN-18/AN-19 the analyzer needs no group.toml or order.toml and writes only analyzed.toml', async () => {
    const name = repo('app');
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata() }));
    const r = await analyzer(['-run-image', reg.ref('run'), reg.ref(name)], '0.15', { CNB_ORDER_PATH: join(dir, 'missing-order.toml'), CNB_GROUP_PATH: join(dir, 'missing-group.toml') });
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(layers)).toEqual(['analyzed.toml']);
  });

  it('AN-17 -launch-cache without -daemon is ignored with a warning', async () => {
    const r = await analyzer(['-launch-cache', join(dir, 'lc'), '-run-image', reg.ref('run'), reg.ref(repo('app'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('Ignoring -launch-cache, only intended for use with -daemon');
  });

  it('GEN-06 -layers moves the default analyzed.toml; GEN-01 -analyzed beats CNB_ANALYZED_PATH', async () => {
    const r1 = await analyzer(['-run-image', reg.ref('run'), reg.ref(repo('app'))]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(await exists(join(layers, 'analyzed.toml'))).toBe(true);
    const r2 = await analyzer(['-analyzed', join(dir, 'flag.toml'), '-run-image', reg.ref('run'), reg.ref(repo('app'))], '0.15', { CNB_ANALYZED_PATH: join(dir, 'env.toml') });
    expect(r2.code, r2.stderr).toBe(0);
    expect(await exists(join(dir, 'flag.toml'))).toBe(true);
    expect(await exists(join(dir, 'env.toml'))).toBe(false);
  });

  it('GEN-09/GEN-05 CNB_RUN_IMAGE and CNB_INSECURE_REGISTRIES are read from the environment', async () => {
    const r = await analyzer([reg.ref(repo('app'))], '0.13', { CNB_RUN_IMAGE: reg.ref('run'), CNB_INSECURE_REGISTRIES: `${reg.host},other.example` });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['reference']).toBe(`${reg.host}/run@${runDigest}`);
  });

  it.runIf(isRoot)('GEN-12 as root the analyzer chowns <layers> and writes analyzed.toml as -uid:-gid', async () => {
    const name = repo('owned');
    const sbom = await sbomLayer(layers, { 'acme_node/sbom.cdx.json': '{}' });
    await putImage({ registry: reg }, reg.ref(name), await appImage({ metadata: metadata({ sbom: { sha: await sbom.diffId() } }), layers: [sbom] }));
    await chmod(dir, 0o755); // the temp dir is 0700: let uid:gid reach <layers>
    await mkdir(layers, { recursive: true, mode: 0o755 });
    await writeFile(join(layers, 'pre-existing'), 'x');
    const r = await analyzer(['-uid', String(TEST_UID), '-gid', String(TEST_GID), '-run-image', reg.ref('run'), reg.ref(name)]);
    expect(r.code, r.stderr).toBe(0);
    for (const p of ['', 'pre-existing', 'analyzed.toml', 'sbom/launch/acme_node/sbom.cdx.json']) {
      const st = await stat(join(layers, p));
      expect([st.uid, st.gid], p).toEqual([TEST_UID, TEST_GID]);
    }
  });
});
