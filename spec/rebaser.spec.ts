import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, putImage, readImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { lifecycleLabel, pushScenario, readReportFile, reportIn, topLayerOf, type Scenario, type ScenarioOptions } from '../test/integration/rebase/fixtures.js';

const APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];
const builtWithFor = (api: string) => (api === '0.7' || api === '0.8' || api === '0.9' || api === '0.10' || api === '0.11' ? undefined : api);

let reg: SpecRegistry;
let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;
beforeAll(async () => {
  reg = await startSpecRegistry();
});
afterAll(async () => reg?.stop());
beforeEach(async () => {
  tmp = await makeTempDir('cnb-rebase-');
});
afterEach(async () => tmp.cleanup());

/** Old run image → app (label names the run repo) → new run image pushed to the same tag. */
const scenario = (api: string, o: ScenarioOptions = {}): Promise<Scenario> => pushScenario(reg, `s${++n}`, { builtWith: builtWithFor(api), ...o });

const rebase = (api: string, args: string[], env: Record<string, string> = {}) =>
  runPhase('rebaser', { args, platformApi: api, env: { CNB_LAYERS_DIR: tmp.dir, ...env } });

describe('rebaser: arguments', () => {
  for (const api of ['0.7', '0.12', '0.15']) {
    it(`RB-01 no <image> argument exits 3 (Platform ${api})`, async () => {
      const r = await rebase(api, []);
      expect(r.code).toBe(3);
    });
  }

  it('RB-01 an invalid or digest <image> reference exits 3', async () => {
    expect((await rebase('0.15', ['Not/Valid:ref'])).code).toBe(3);
    expect((await rebase('0.15', [`${reg.host}/a/b@sha256:${'a'.repeat(64)}`])).code).toBe(3);
  });

  it('RB-01 images on two registries without -daemon exit 3 ("writing to multiple registries is unsupported")', async () => {
    const r = await rebase('0.15', [reg.ref('x/app'), 'other.example.com/x/app:latest']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('writing to multiple registries is unsupported');
  });

  it('RB-02 -previous-image does not exist below Platform 0.11 (flag parse error, exit 2)', async () => {
    const r = await rebase('0.10', ['-previous-image', reg.ref('x/prev'), reg.ref('x/app')]);
    expect(r.code).toBe(2);
  });

  it('RB-04 no run image metadata and no -run-image exits 3', async () => {
    const s = await scenario('0.15', { runImage: undefined, stack: undefined });
    const r = await rebase('0.15', [s.appRef]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('-run-image is required');
  });

  it('RB-04 [REF] Platform <0.12 reads only stack.runImage: a label with runImage.image alone exits 3', async () => {
    const s = await scenario('0.11', { stack: undefined });
    const r = await rebase('0.11', [s.appRef]);
    expect(r.code, r.stderr).toBe(3);
  });

  it('exit 72 [REF] when the app image does not exist', async () => {
    const r = await rebase('0.15', [reg.ref('nothing/here')]);
    expect(r.code).toBe(72);
    expect(r.stderr).toContain('nothing/here');
  });
});

describe('rebaser: the rebased image', () => {
  for (const api of APIS) {
    it(`RB-05/RB-06/RB-11 rebases onto the new run image version (Platform ${api})`, async () => {
      const s = await scenario(api);
      const r = await rebase(api, [s.appRef]);
      expect(r.code, r.stderr).toBe(0);
      const out = (await readImage({ registry: reg }, s.appRef))!;
      const newIds = (await s.newRun.config()).rootfs.diff_ids;
      // RB-05: all new base layers, then the app layers above the old top layer, unchanged and in order
      expect(out.diffIds).toEqual([...newIds, ...s.appLayerIds]);
      const md = lifecycleLabel(out.labels);
      expect(md.runImage['topLayer']).toBe(await topLayerOf(s.newRun)); // RB-06
      const newDigest = (await readImage({ registry: reg }, s.runRef))!.digest;
      expect(md.runImage['reference']).toBe(`${s.runRef.replace(/:latest$/, '')}@${newDigest}`);
      expect(md.stack?.runImage['image']).toBe(s.runRef); // RB-06 [REF] stack kept
      expect(out.config.created).toBe('1980-01-01T00:00:01Z'); // RB-11
      const report = await readReportFile(reportIn(tmp.dir));
      expect(report.image.tags).toEqual([s.appRef]);
      expect(report.image.digest).toBe(out.digest);
      expect(report.image['manifest-size']).toBeGreaterThan(0);
      expect(report.image['image-id']).toBeUndefined();
    });
  }

  it('RB-05 app layers keep their compressed digests (byte-identical)', async () => {
    const s = await scenario('0.15');
    const before = await s.app.manifest();
    expect((await rebase('0.15', [s.appRef])).code).toBe(0);
    const after = await (await reg.store().image(s.appRef))!.manifest();
    const appDigests = (m: typeof before, k: number) => m.layers.slice(-k).map((l) => l.digest);
    expect(appDigests(after, s.appLayerIds.length)).toEqual(appDigests(before, s.appLayerIds.length));
  });

  it('RB-01/FMT-11 additional <image> arguments are additional tags with the same manifest', async () => {
    const s = await scenario('0.15');
    const tag2 = s.appRef.replace(/:latest$/, ':v2');
    const tag3 = s.appRef.replace(/:latest$/, ':v3');
    const r = await rebase('0.15', [s.appRef, tag2, tag3]);
    expect(r.code, r.stderr).toBe(0);
    const digests = await Promise.all([s.appRef, tag2, tag3].map(async (t) => (await readImage({ registry: reg }, t))!.digest));
    expect(new Set(digests).size).toBe(1);
    const report = await readReportFile(reportIn(tmp.dir));
    expect(report.image.tags).toEqual([s.appRef, tag2, tag3]);
    expect(report.image.digest).toBe(digests[0]);
  });

  for (const api of ['0.11', '0.12', '0.15']) {
    it(`RB-02 -previous-image is the source and is left unchanged (Platform ${api})`, async () => {
      const s = await scenario(api);
      const out = s.appRef.replace(/\/app:latest$/, '/rebased:latest');
      const prevDigest = (await readImage({ registry: reg }, s.appRef))!.digest;
      const r = await rebase(api, ['-previous-image', s.appRef, out]);
      expect(r.code, r.stderr).toBe(0);
      expect((await readImage({ registry: reg }, s.appRef))!.digest).toBe(prevDigest);
      const rebased = (await readImage({ registry: reg }, out))!;
      expect(rebased.diffIds.slice(0, 1)).toEqual((await s.newRun.config()).rootfs.diff_ids);
    });
  }

  it('RB-11 -report and CNB_REPORT_PATH choose where report.toml goes', async () => {
    const s = await scenario('0.15');
    const r1 = await rebase('0.15', ['-report', `${tmp.dir}/r1.toml`, s.appRef]);
    expect(r1.code, r1.stderr).toBe(0);
    expect((await readReportFile(`${tmp.dir}/r1.toml`)).image.tags).toEqual([s.appRef]);
    const r2 = await rebase('0.15', [s.appRef], { CNB_REPORT_PATH: `${tmp.dir}/r2.toml` });
    expect(r2.code, r2.stderr).toBe(0);
    expect((await readReportFile(`${tmp.dir}/r2.toml`)).image.tags).toEqual([s.appRef]);
  });

  it('RB-12 the same app image and new run image give the same image ID and manifest digest', async () => {
    const s = await scenario('0.15');
    const a = s.appRef.replace(/:latest$/, ':a');
    const b = s.appRef.replace(/:latest$/, ':b');
    expect((await rebase('0.15', ['-previous-image', s.appRef, a])).code).toBe(0);
    expect((await rebase('0.15', ['-previous-image', s.appRef, b])).code).toBe(0);
    const [ia, ib] = await Promise.all([readImage({ registry: reg }, a), readImage({ registry: reg }, b)]);
    expect(ia!.imageId).toBe(ib!.imageId);
    expect(ia!.digest).toBe(ib!.digest);
  });

  it('RB-04 -run-image (and CNB_RUN_IMAGE, deprecated -image) override the label; names compare without digest', async () => {
    const repo = `s${n + 1}`;
    const mirror = reg.ref(`${repo}/run`, 'mirror');
    const s = await scenario('0.15', { runImage: { image: reg.ref(`${repo}/run`), mirrors: [mirror] } });
    await putImage({ registry: reg }, mirror, s.newRun);
    const byDigest = `${s.runRef.replace(/:latest$/, '')}@${(await readImage({ registry: reg }, s.runRef))!.digest}`;
    for (const [args, env, want] of [
      [['-run-image', mirror], {}, mirror],
      [['-image', byDigest], {}, byDigest],
      [[], { CNB_RUN_IMAGE: mirror }, mirror],
    ] as const) {
      const r = await rebase('0.15', [...args, s.appRef], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`on run image ${want}`);
    }
    const both = await rebase('0.15', ['-run-image', mirror, '-image', mirror, s.appRef]);
    expect(both.code).toBe(3);
    expect(both.stderr).toContain('supply only one of -run-image or (deprecated) -image');
  });

  it('exit 1 [REF "access run image"] when the run image does not exist', async () => {
    const s = await scenario('0.15');
    const r = await rebase('0.15', ['-run-image', s.runRef.replace(/:latest$/, ':missing'), s.appRef]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('access run image');
  });
});
