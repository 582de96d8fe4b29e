import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_LABELS, makeTempDir, putImage, readImage, runImage, runPhase, startSpecRegistry, type RunImageOptions, type SpecRegistry } from './harness/index.js';
import { lifecycleLabel, pushScenario, type ScenarioOptions } from '../test/integration/rebase/fixtures.js';

const TARGET_APIS = ['0.12', '0.13', '0.14', '0.15'];
let reg: SpecRegistry;
let regB: SpecRegistry;
let tmp: { dir: string; cleanup: () => Promise<void> };
let n = 0;
beforeAll(async () => {
  [reg, regB] = await Promise.all([startSpecRegistry(), startSpecRegistry()]);
});
afterAll(async () => Promise.all([reg?.stop(), regB?.stop()]));
beforeEach(async () => {
  tmp = await makeTempDir('cnb-rebase-');
});
afterEach(async () => tmp.cleanup());

const scenario = (o: ScenarioOptions = {}) => pushScenario(reg, `c${++n}`, { builtWith: '0.12', ...o });
const rebase = (api: string, args: string[]) => runPhase('rebaser', { args, platformApi: api, env: { CNB_LAYERS_DIR: tmp.dir } });
const read = (ref: string) => readImage({ registry: reg }, ref).then((i) => i!);

describe('rebaser: rebasable label and targets (app built with Platform ≥0.12)', () => {
  for (const api of TARGET_APIS) {
    it(`RB-03 io.buildpacks.rebasable=false fails (72) without -force, warns with it (Platform ${api})`, async () => {
      const s = await scenario({ labels: { 'io.buildpacks.rebasable': 'false' } });
      const r = await rebase(api, [s.appRef]);
      expect(r.code).toBe(72);
      expect(r.stderr).toContain('app image is not marked as rebasable');
      const forced = await rebase(api, ['-force', s.appRef]);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout + forced.stderr).toMatch(/Warning: app image is not marked as rebasable/);
      const ok = await scenario({ labels: { 'io.buildpacks.rebasable': 'true' } });
      expect((await rebase(api, [ok.appRef])).code).toBe(0);
    });
  }

  it('RB-03 CNB_FORCE_REBASE=true is -force; -force is not a flag below Platform 0.12 (exit 2)', async () => {
    const s = await scenario({ labels: { 'io.buildpacks.rebasable': 'false' } });
    const r = await runPhase('rebaser', { args: [s.appRef], platformApi: '0.12', env: { CNB_LAYERS_DIR: tmp.dir, CNB_FORCE_REBASE: 'true' } });
    expect(r.code, r.stderr).toBe(0);
    expect((await rebase('0.11', ['-force', s.appRef])).code).toBe(2);
  });

  for (const api of TARGET_APIS) {
    it(`RB-08 a different architecture, distro version or variant fails (72) without -force (Platform ${api})`, async () => {
      const cases: RunImageOptions[] = [
        { arch: 'arm64' },
        { labels: { 'io.buildpacks.base.distro.version': '24.04' } },
        { labels: { 'io.buildpacks.base.distro.name': 'debian' } },
      ];
      for (const newOpts of cases) {
        const s = await scenario({ newRun: await runImage({ marker: 'v2', ...newOpts }) });
        const r = await rebase(api, [s.appRef]);
        expect(r.code, JSON.stringify(newOpts)).toBe(72);
        expect(r.stderr).toContain('unable to satisfy target os/arch constraints');
      }
      const v = await scenario({ oldRun: await runImage({ marker: 'v1', arch: 'arm64', variant: 'v8' }), newRun: await runImage({ marker: 'v2', arch: 'arm64', variant: 'v7' }) });
      expect((await rebase(api, [v.appRef])).code).toBe(72);
    });
  }

  it('RB-08 [REF] empty variant and distro values on the new run image are wildcards; os/arch must be equal', async () => {
    const old = await runImage({ marker: 'v1', arch: 'arm64', variant: 'v8' });
    const noVariant = await scenario({ oldRun: old, newRun: await runImage({ marker: 'v2', arch: 'arm64' }) });
    expect((await rebase('0.15', [noVariant.appRef])).code).toBe(0);
    const noDistro = await scenario({ newRun: await runImage({ marker: 'v2', labels: null }) });
    expect((await rebase('0.15', [noDistro.appRef])).code).toBe(0);
    const emptyVersion = await scenario({ newRun: await runImage({ marker: 'v2', labels: { 'io.buildpacks.base.distro.version': '' } }) });
    expect((await rebase('0.15', [emptyVersion.appRef])).code).toBe(0);
  });

  for (const api of TARGET_APIS) {
    it(`RB-08 a -run-image not named in runImage.image/mirrors (or stack.runImage) fails (72) (Platform ${api})`, async () => {
      const s = await scenario();
      const elsewhere = reg.ref(`c${n}/other-run`);
      await putImage({ registry: reg }, elsewhere, s.newRun);
      const r = await rebase(api, ['-run-image', elsewhere, s.appRef]);
      expect(r.code).toBe(72);
      expect(r.stderr).toContain(`new base image '${elsewhere}' not found in existing run image metadata`);
      // a name found only in the deprecated stack key is accepted ([REF] containsName)
      const st = await scenario({ runImage: { image: reg.ref(`c${n + 1}/run`) }, stack: { image: reg.ref(`c${n + 1}/run`), mirrors: [elsewhere] } });
      expect((await rebase(api, ['-run-image', elsewhere, st.appRef])).code).toBe(0);
    });
  }

  it('RB-08 below Platform 0.12 the run image name is not checked', async () => {
    const s = await scenario({ builtWith: undefined });
    const elsewhere = reg.ref(`c${n}/other-run`);
    await putImage({ registry: reg }, elsewhere, s.newRun);
    const r = await rebase('0.11', ['-run-image', elsewhere, s.appRef]);
    expect(r.code, r.stderr).toBe(0);
  });

  for (const api of TARGET_APIS) {
    it(`RB-09 -force: target mismatch and unknown run image only warn; runImage/stack name the new run image (Platform ${api})`, async () => {
      const s = await scenario({ runImage: { image: reg.ref(`c${n + 1}/run`), mirrors: [reg.ref(`c${n + 1}/mirror`)] } });
      const elsewhere = reg.ref(`c${n}/other-run`);
      await putImage({ registry: reg }, elsewhere, await runImage({ marker: 'arm', arch: 'arm64', variant: 'v8' }));
      const r = await rebase(api, ['-force', '-run-image', elsewhere, s.appRef]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Warning: unable to satisfy target os/arch constraints');
      expect(r.stderr).toContain(`Warning: rebase app image: new base image '${elsewhere}' not found`);
      const out = await read(s.appRef);
      const md = lifecycleLabel(out.labels);
      expect(md.runImage['image']).toBe(elsewhere);
      expect(md.runImage['mirrors']).toBeUndefined();
      expect(md.stack).toEqual({ runImage: { image: elsewhere } });
      expect(out.config.architecture).toBe('arm64'); // target data from the new run image
      expect(out.config.variant).toBe('v8');
    });
  }
});

describe('rebaser: labels', () => {
  for (const api of ['0.11', '0.12', '0.15']) {
    it(`RB-07 io.buildpacks.base.* (≥0.12) and io.buildpacks.stack.* come from the new run image (Platform ${api})`, async () => {
      const oldRun = await runImage({ marker: 'v1', labels: { 'io.buildpacks.base.maintainer': 'old', 'io.buildpacks.stack.maintainer': 'old' } });
      const newRun = await runImage({ marker: 'v2', labels: { 'io.buildpacks.base.homepage': 'new', 'io.buildpacks.stack.description': 'new' } });
      const s = await scenario({ oldRun, newRun, builtWith: api === '0.11' ? undefined : api, labels: { 'com.example.app': 'kept' } });
      const r = await rebase(api, [s.appRef]);
      expect(r.code, r.stderr).toBe(0);
      const labels = (await read(s.appRef)).labels;
      expect(labels['com.example.app']).toBe('kept');
      expect(labels['io.buildpacks.stack.description']).toBe('new');
      expect(labels['io.buildpacks.stack.maintainer']).toBeUndefined();
      expect(labels['io.buildpacks.stack.id']).toBe(DEFAULT_RUN_LABELS['io.buildpacks.stack.id']);
      if (api === '0.11') {
        expect(labels['io.buildpacks.base.maintainer']).toBe('old');
        expect(labels['io.buildpacks.base.homepage']).toBeUndefined();
      } else {
        expect(labels['io.buildpacks.base.maintainer']).toBeUndefined();
        expect(labels['io.buildpacks.base.homepage']).toBe('new');
      }
    });
  }
});

describe('rebaser: stacks for apps built below Platform 0.12', () => {
  for (const builtWith of [undefined, '0.11']) {
    it(`RB-10 [REF] stack IDs must match, even with -force (app CNB_PLATFORM_API ${builtWith ?? 'unset'})`, async () => {
      const s = await scenario({ builtWith, newRun: await runImage({ marker: 'v2', labels: { 'io.buildpacks.stack.id': 'other.stack' } }) });
      const r = await rebase('0.15', [s.appRef]);
      expect(r.code).toBe(72);
      expect(r.stderr).toContain("incompatible stack: 'other.stack' is not compatible with 'io.buildpacks.stacks.test'");
      expect((await rebase('0.15', ['-force', s.appRef])).code).toBe(72);
      const none = await scenario({ builtWith, newRun: await runImage({ marker: 'v2', labels: { 'io.buildpacks.stack.id': '' } }) });
      expect((await rebase('0.15', [none.appRef])).stderr).toContain('stack not defined on new base image');
    });
  }

  it('RB-10 [REF] the new run image must have every app mixin (build:/run: prefixes stripped); targets are not checked', async () => {
    const mixins = (m: string[]) => ({ 'io.buildpacks.stack.mixins': JSON.stringify(m) });
    const labels = mixins(['build:git', 'run:curl', 'jq']);
    const missing = await scenario({ builtWith: undefined, labels, newRun: await runImage({ marker: 'v2', labels: mixins(['curl']) }) });
    const r = await rebase('0.15', [missing.appRef]);
    expect(r.code).toBe(72);
    expect(r.stderr).toContain('missing required mixin(s): git, jq');
    const ok = await scenario({ builtWith: undefined, labels, newRun: await runImage({ marker: 'v2', arch: 'arm64', labels: mixins(['run:git', 'curl', 'jq', 'extra']) }) });
    const r2 = await rebase('0.15', [ok.appRef]);
    expect(r2.code, r2.stderr).toBe(0);
  });
});

describe('rebaser: run image resolution', () => {
  it('RB-04/RI-01 a label mirror on the app image registry is preferred over runImage.image elsewhere', async () => {
    const repo = `c${n + 1}`;
    const onB = regB.ref(`${repo}/run`);
    const mirrorOnA = reg.ref(`${repo}/run-mirror`);
    const s = await scenario({ runImage: { image: onB, mirrors: [mirrorOnA] } });
    await putImage({ registry: reg }, mirrorOnA, s.newRun);
    await putImage({ registry: regB }, onB, await runImage({ marker: 'on B' }));
    const r = await rebase('0.15', [s.appRef]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`on run image ${mirrorOnA}`);
    expect(lifecycleLabel((await read(s.appRef)).labels).runImage['reference']).toContain(`${reg.host}/${repo}/run-mirror@sha256:`);
  });

  it('RB-04/RI-01 with no candidate on the app registry the first readable one (runImage.image) is used', async () => {
    const repo = `c${n + 1}`;
    const onB = regB.ref(`${repo}/run`);
    const s = await scenario({ runImage: { image: onB, mirrors: [regB.ref(`${repo}/run2`)] } });
    await putImage({ registry: regB }, onB, s.newRun);
    const r = await rebase('0.15', [s.appRef]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`on run image ${onB}`);
  });

  it('RB-04 Platform ≥0.12 falls back to stack.runImage when runImage.image is absent', async () => {
    const repo = `c${n + 1}`;
    const s = await scenario({ runImage: undefined, stack: { image: reg.ref(`${repo}/run`) } });
    const r = await rebase('0.15', [s.appRef]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`on run image ${s.runRef}`);
  });
});
