import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chownR, isRoot, layoutDirOf, makeTempDir, putImage, readImage, runPhase, startSpecRegistry, TEST_GID, TEST_UID, type SpecRegistry } from './harness/index.js';
import { lifecycleLabel, makeApp, pushScenario, readReportFile, reportIn, runImagePair, topLayerOf } from '../test/integration/rebase/fixtures.js';

let reg: SpecRegistry;
let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;
beforeAll(async () => {
  reg = await startSpecRegistry();
});
afterAll(async () => reg?.stop());
beforeEach(async () => {
  tmp = await makeTempDir('cnb-rebase-');
  await chmod(tmp.dir, 0o755); // reachable after the phase drops to TEST_UID (GEN-12)
});
afterEach(async () => tmp.cleanup());

const rebase = (api: string, args: string[], env: Record<string, string> = {}, user?: { uid: number; gid: number }) =>
  runPhase('rebaser', { args, platformApi: api, env: { CNB_LAYERS_DIR: tmp.dir, ...env }, ...(user ? { user } : {}) });

describe('rebaser: OCI layout (≥0.12, experimental)', () => {
  /** App and both run images in a CNB layout dir (FMT-25); the new run image replaces the old under the same tag. */
  async function layoutScenario(layoutDir: string) {
    const appRef = 'registry.example.com/acme/app:latest';
    const runRef = 'registry.example.com/acme/run:latest';
    const { oldRun, newRun } = await runImagePair();
    await putImage({ layoutDir }, runRef, oldRun);
    const { image, layers } = await makeApp({ base: oldRun, builtWith: '0.12', runImage: { image: runRef }, stack: { image: runRef } });
    await putImage({ layoutDir }, appRef, image);
    await putImage({ layoutDir }, runRef, newRun);
    return { appRef, runRef, newRun, appLayerIds: await Promise.all(layers.map((l) => l.diffId())) };
  }

  for (const api of ['0.12', '0.15']) {
    it(`GEN-10/RB-05/RB-06/RB-11 -layout -layout-dir rebases an app image in a layout (Platform ${api})`, async () => {
      const layoutDir = join(tmp.dir, 'layout');
      const s = await layoutScenario(layoutDir);
      const r = await rebase(api, ['-layout', '-layout-dir', layoutDir, s.appRef], { CNB_EXPERIMENTAL_MODE: 'warn' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('experimental feature');
      const out = (await readImage({ layoutDir }, s.appRef))!;
      expect(out.diffIds).toEqual([...(await s.newRun.config()).rootfs.diff_ids, ...s.appLayerIds]);
      const md = lifecycleLabel(out.labels);
      expect(md.runImage['topLayer']).toBe(await topLayerOf(s.newRun));
      expect(md.runImage['reference']).toBe(`${layoutDirOf(layoutDir, s.runRef)}@${await s.newRun.digest()}`);
      const report = await readReportFile(reportIn(tmp.dir));
      expect(report.image.tags).toEqual([s.appRef]);
      expect(report.image.digest).toBe(out.digest);
    });
  }

  it('GEN-10 -layout without CNB_EXPERIMENTAL_MODE fails; CNB_USE_LAYOUT/CNB_LAYOUT_DIR work; -layout is no flag below 0.12', async () => {
    const layoutDir = join(tmp.dir, 'layout');
    const s = await layoutScenario(layoutDir);
    const denied = await rebase('0.15', ['-layout', '-layout-dir', layoutDir, s.appRef]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('experimental');
    const viaEnv = await rebase('0.15', [s.appRef], { CNB_EXPERIMENTAL_MODE: 'quiet', CNB_USE_LAYOUT: 'true', CNB_LAYOUT_DIR: layoutDir });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    const noDir = await rebase('0.15', ['-layout', s.appRef], { CNB_EXPERIMENTAL_MODE: 'quiet' });
    expect(noDir.code).toBe(3);
    expect((await rebase('0.11', ['-layout', s.appRef])).code).toBe(2);
  });
});

describe('rebaser: flags by Platform API', () => {
  it('RB-01/§9 -insecure-registry exists from Platform 0.13 (repeatable; CNB_INSECURE_REGISTRIES)', async () => {
    const s = await pushScenario(reg, `f${++n}`, { builtWith: '0.13' });
    const r = await rebase('0.13', ['-insecure-registry', reg.host, '-insecure-registry', 'other.test', s.appRef]);
    expect(r.code, r.stderr).toBe(0);
    const e = await rebase('0.13', [s.appRef], { CNB_INSECURE_REGISTRIES: `${reg.host},other.test` });
    expect(e.code, e.stderr).toBe(0);
    expect((await rebase('0.12', ['-insecure-registry', reg.host, s.appRef])).code).toBe(2);
  });

  it('GEN-02 an unknown flag exits 2; GEN-03 -layers is not a rebaser flag ([REF])', async () => {
    expect((await rebase('0.15', ['-nope', reg.ref('x/app')])).code).toBe(2);
    expect((await rebase('0.15', ['-layers', tmp.dir, reg.ref('x/app')])).code).toBe(2);
  });
});

describe('rebaser: privileges', () => {
  it.runIf(isRoot)('GEN-12 the rebaser drops to -uid/-gid before writing: report.toml is owned by that user', async () => {
    const s = await pushScenario(reg, `f${++n}`, { builtWith: '0.15' });
    const out = join(tmp.dir, 'out');
    await mkdir(out);
    await chownR(out, TEST_UID, TEST_GID);
    const r = await rebase('0.15', ['-uid', String(TEST_UID), '-gid', String(TEST_GID), '-report', join(out, 'report.toml'), s.appRef]);
    expect(r.code, r.stderr).toBe(0);
    const st = await stat(join(out, 'report.toml'));
    expect([st.uid, st.gid]).toEqual([TEST_UID, TEST_GID]);
  });

  it.runIf(isRoot)('GEN-12 after the drop a root-only report directory cannot be written (exit 72)', async () => {
    const s = await pushScenario(reg, `f${++n}`, { builtWith: '0.15' });
    const out = join(tmp.dir, 'root-only');
    await mkdir(out, { mode: 0o755 });
    const r = await rebase('0.15', [s.appRef], { CNB_USER_ID: String(TEST_UID), CNB_GROUP_ID: String(TEST_GID), CNB_REPORT_PATH: join(out, 'report.toml') });
    expect(r.code).toBe(72);
  });
});
