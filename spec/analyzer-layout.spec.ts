/**
 * analyzer with OCI layouts (AN-16, FMT-25, GEN-10): images are read from `<layout-dir>/<registry>/<repo>/<tag>`;
 * registry access checks are skipped (AN-06) and every run image candidate counts as accessible (RI-01 [REF]).
 * References use the reserved `.invalid` TLD, so any attempt to reach a registry would fail the test.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LifecycleMetadata } from '../src/platform/index.js';
import { appImage, layoutDirOf, makeTempDir, putImage, readTomlFile, runImage, runPhase, sbomLayer, type PhaseRun } from './harness/index.js';

const RUN = 'registry.invalid/cnb/run:v1';
const APP = 'registry.invalid/cnb/app';
let dir: string;
let layers: string;
let layoutDir: string;
let cleanup: () => Promise<void>;
let runDigest: string;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('cnb-an-layout-'));
  layers = join(dir, 'layers');
  layoutDir = join(dir, 'layout-repo');
  runDigest = (await putImage({ layoutDir }, RUN, await runImage({ variant: 'v8' }))).digest;
});
afterEach(async () => cleanup());

const WARN = { CNB_EXPERIMENTAL_MODE: 'warn' };
const analyzer = (args: string[], env: Record<string, string> = WARN, platformApi = '0.15'): Promise<PhaseRun> =>
  runPhase('analyzer', { args: ['-layers', layers, ...args], platformApi, env });
const analyzed = () => readTomlFile(join(layers, 'analyzed.toml'));
const md = (sbomSha?: string): LifecycleMetadata => ({
  app: [],
  buildpacks: [{ key: 'acme/java', version: '1.0.0', layers: {} }],
  config: { sha: '' },
  launcher: { sha: '' },
  processTypes: { sha: '' },
  runImage: { topLayer: '', reference: '' },
  ...(sbomSha ? { sbom: { sha: sbomSha } } : {}),
});

describe('analyzer with -layout (AN-16)', () => {
  for (const api of ['0.12', '0.15']) {
    it(`AN-16/FMT-25/AN-09/AN-11 images are read from <layout-dir>; references are "<path>@<digest>" (Platform ${api})`, async () => {
      const { digest } = await putImage({ layoutDir }, `${APP}:latest`, await appImage({ metadata: md() }));
      const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', RUN, APP], WARN, api);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toContain("Platform requested experimental feature 'Export to OCI layout format'"); // GEN-10 warn
      const a = await analyzed();
      expect(a['image']['reference']).toBe(`${join(layoutDir, 'registry.invalid/cnb/app/latest')}@${digest}`);
      expect(a['image']['reference']).toBe(`${layoutDirOf(layoutDir, `${APP}:latest`)}@${digest}`);
      expect(a['metadata']['buildpacks'][0]['key']).toBe('acme/java');
      expect(a['run-image']['reference']).toBe(`${join(layoutDir, 'registry.invalid/cnb/run/v1')}@${runDigest}`);
      expect(a['run-image']['image']).toBe(RUN);
      expect(a['run-image']['target']['arch-variant']).toBe('v8');
    });
  }

  for (const mode of ['quiet', 'silent']) {
    it(`GEN-10/ERRATA-01 CNB_EXPERIMENTAL_MODE=${mode} continues without the warning`, async () => {
      const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', RUN, APP], { CNB_EXPERIMENTAL_MODE: mode });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('experimental feature');
    });
  }

  it('AN-16/GEN-04 CNB_USE_LAYOUT and CNB_LAYOUT_DIR enable the layout', async () => {
    const r = await analyzer(['-run-image', RUN, APP], { ...WARN, CNB_USE_LAYOUT: 'true', CNB_LAYOUT_DIR: layoutDir });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['reference']).toContain(layoutDir);
  });

  it('AN-05 a missing previous image in the layout gives [image] reference = ""', async () => {
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', RUN, 'registry.invalid/cnb/none:v9']);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['image']).toEqual({ reference: '' });
  });

  it('AN-13 a run image missing from the layout fails with exit 32 (≥0.12: no OS)', async () => {
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', 'registry.invalid/cnb/run:missing', APP]);
    expect(r.code).toBe(32);
  });

  it('AN-06 registry access checks are skipped for layout images (unreachable registries, exit 0)', async () => {
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', RUN, '-tag', 'registry.invalid/cnb/app:v2', '-previous-image', 'registry.invalid/cnb/prev', APP]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('RI-01 [REF] with a layout every candidate is accessible: the app registry candidate is chosen', async () => {
    await putImage({ layoutDir }, 'mirror.invalid/cnb/run:v1', await runImage());
    await writeFile(join(dir, 'run.toml'), `[[images]]\nimage = "elsewhere.invalid/cnb/run:v1"\nmirrors = ["mirror.invalid/x:y", "${RUN}"]\n`);
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run', join(dir, 'run.toml'), APP]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(RUN);
  });

  it('RI-01 [REF] with a layout and no same-registry candidate, images[0].image is chosen unchecked', async () => {
    await writeFile(join(dir, 'run.toml'), `[[images]]\nimage = "${RUN}"\nmirrors = ["mirror.invalid/cnb/run:v1"]\n`);
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run', join(dir, 'run.toml'), 'third.invalid/cnb/app']);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(RUN);
  });

  it('AN-15 the SBOM layer of a previous image in the layout is restored', async () => {
    const sbom = await sbomLayer(layers, { 'acme_java/sbom.syft.json': '{"syft":true}' });
    await putImage({ layoutDir }, `${APP}:latest`, await appImage({ metadata: md(await sbom.diffId()), layers: [sbom] }));
    const r = await analyzer(['-layout', '-layout-dir', layoutDir, '-run-image', RUN, APP]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(layers, 'sbom/launch/acme_java/sbom.syft.json'), 'utf8')).toBe('{"syft":true}');
  });
});
