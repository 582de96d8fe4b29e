import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRoot, makeWorkspace, runPhase, writeBuildpack, writeOrder, writePlan, type Workspace } from './harness/index.js';

const APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];
let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('cnb-detect-');
});
afterEach(async () => ws.cleanup());

const ref = (id: string, optional = false) => ({ id, version: '0.0.1', ...(optional ? { optional } : {}) });
const order = (...groups: { id: string; version: string; optional?: boolean }[][]) => writeOrder(join(ws.layers, 'order.toml'), groups);
const detect = (opts: { args?: string[]; env?: Record<string, string>; platformApi?: string } = {}) =>
  ws.run('detector', { ...opts, args: [...ws.dirArgs, ...(opts.args ?? [])] });
const exists = (p: string) => stat(p).then(() => true, () => false);

describe('detector basics', () => {
  it.runIf(isRoot)('GEN-12 the detector refuses to run as root (exit 1)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await order([ref('a')]);
    const r = await runPhase('detector', { args: ws.dirArgs });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing to run as root');
  });

  for (const api of APIS) {
    it(`DT-11/DT-25/FMT-03 a passing group writes group.toml and plan.toml (Platform ${api})`, async () => {
      await writeBuildpack(ws.buildpacks, { id: 'acme/a', api: '0.8', info: { homepage: 'https://a.test' } });
      await writeBuildpack(ws.buildpacks, { id: 'acme/b', api: '0.12' });
      await order([ref('acme/a'), ref('acme/b')]);
      const r = await detect({ platformApi: api });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('acme/a 0.0.1\nacme/b 0.0.1\n');
      const group = await readFile(join(ws.layers, 'group.toml'), 'utf8');
      expect(group).toMatch(/\[\[group\]\]\s*id = "acme\/a"\s*version = "0.0.1"\s*api = "0.8"\s*homepage = "https:\/\/a.test"/);
      expect(group).toMatch(/\[\[group\]\]\s*id = "acme\/b"\s*version = "0.0.1"\s*api = "0.12"\s*$/);
      expect(group).not.toContain('optional');
      expect(await readFile(join(ws.layers, 'plan.toml'), 'utf8')).not.toContain('[[entries]]');
    });
  }

  it('DT-07/ENV-02 /bin/detect runs in <app> with $1=<platform>, $2=<plan>, absolute paths', async () => {
    await writeBuildpack(ws.buildpacks, {
      id: 'a',
      detect: `pwd > ${ws.out}/pwd; echo "$1" > ${ws.out}/1; echo "$2" > ${ws.out}/2; echo "$CNB_BUILD_PLAN_PATH" > ${ws.out}/plan; test -f "$2" && test ! -s "$2" && echo empty > ${ws.out}/empty`,
    });
    await order([ref('a')]);
    const r = await ws.run('detector', { args: ['-buildpacks', ws.buildpacks, '-layers', ws.layers, '-app', ws.app, '-platform', ws.platform], cwd: '/' });
    expect(r.code, r.stderr).toBe(0);
    const rd = (n: string) => readFile(join(ws.out, n), 'utf8').then((s) => s.trim());
    expect(await rd('pwd')).toBe(ws.app);
    expect(await rd('1')).toBe(ws.platform);
    expect(await rd('2')).toBe(await rd('plan')); // DT-13: $2 is CNB_BUILD_PLAN_PATH
    expect(await rd('2')).toMatch(/^\/.*plan\.toml$/);
    expect(await rd('empty')).toBe('empty'); // DT-13: exists and is empty before detect
  });

  it('DT-08/DT-12 exit 100 everywhere → 20 with "fail:" results; no group.toml (DT-28)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'echo not me; exit 100' });
    await order([ref('a')]);
    const r = await detect();
    expect(r.code).toBe(20);
    expect(r.stdout).toContain('======== Output: a@0.0.1 ========\nnot me\n');
    expect(r.stdout).toContain('======== Results ========\nfail: a@0.0.1\n');
    expect(r.stderr).toContain('ERROR: No buildpack groups passed detection.');
    expect(r.stderr).toContain('failed to detect: no buildpacks participating');
    expect(await exists(join(ws.layers, 'group.toml'))).toBe(false);
    expect(await exists(join(ws.layers, 'plan.toml'))).toBe(false);
  });

  it('DT-08/DT-12 any other exit code is an error → 21 with "err:  id@version (code)"', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'exit 3' });
    await writeBuildpack(ws.buildpacks, { id: 'b', detect: 'exit 100' });
    await order([ref('a')], [ref('b')]);
    const r = await detect();
    expect(r.code).toBe(21);
    expect(r.stdout).toContain('err:  a@0.0.1 (3)');
    expect(r.stdout).toContain('fail: b@0.0.1');
  });

  it('DT-08 a detect script that is not executable is a buildpack error (21) naming the file', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', scriptMode: 0o644 });
    await order([ref('a')]);
    const r = await detect();
    expect(r.code).toBe(21);
    expect(r.stdout).toMatch(/======== Error: a@0.0.1 ========\n.*bin\/detect.*EACCES/);
    expect(r.stdout).toContain('err:  a@0.0.1\n');
  });

  it('DT-09/DT-05 a failing optional buildpack is skipped; the rest passes', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'b' });
    await order([ref('a', true), ref('b')]);
    const r = await detect({ args: ['-log-level', 'debug'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('skip: a@0.0.1');
    expect(r.stdout).toContain('pass: b@0.0.1');
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).not.toContain('id = "a"');
  });

  it('DT-11 the first passing group wins and later groups are not run', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'b' });
    await writeBuildpack(ws.buildpacks, { id: 'c', detect: `touch ${ws.out}/c-ran` });
    await order([ref('a')], [ref('b')], [ref('c')]);
    const r = await detect();
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).toContain('id = "b"');
    expect(await exists(join(ws.out, 'c-ran'))).toBe(false);
  });

  it('DT-10 a group of only optional buildpacks that all fail does not pass', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'exit 100' });
    await order([ref('a', true)]);
    expect((await detect()).code).toBe(20);
  });

  it('DT-28 "======== Results ========" and pass lines are debug-only on success', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await order([ref('a')]);
    const info = await detect();
    expect(info.stdout).not.toContain('======== Results ========');
    const debug = await detect({ args: ['-log-level', 'debug'] });
    expect(debug.stdout).toContain('======== Results ========\npass: a@0.0.1\nResolving plan... (try #1)\na 0.0.1\n');
  });
});

describe('build plan (DT-13..DT-21, FMT-PLAN)', () => {
  it('DT-21/FMT-PLAN plan.toml has one entry per required name with providers and requires', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'p', detect: writePlan('[[provides]]\nname = "node"') });
    await writeBuildpack(ws.buildpacks, { id: 'r', detect: writePlan('[[requires]]\nname = "node"\n[requires.metadata]\nversion = "20"\nbuild = true') });
    await order([ref('p'), ref('r')]);
    const r = await detect();
    expect(r.code, r.stderr).toBe(0);
    const plan = await readFile(join(ws.layers, 'plan.toml'), 'utf8');
    expect(plan).toMatch(/\[\[entries\]\]\s*\[\[entries\.providers\]\]\s*id = "p"\s*version = "0.0.1"\s*\[\[entries\.requires\]\]\s*name = "node"\s*\[entries\.requires\.metadata\]\s*version = "20"\s*build = true/);
  });

  it('DT-15/DT-16 unmet requires and unused provides fail the group (20)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'r', detect: writePlan('[[requires]]\nname = "x"') });
    await writeBuildpack(ws.buildpacks, { id: 'p', detect: writePlan('[[provides]]\nname = "y"') });
    await order([ref('r')], [ref('p')]);
    const r = await detect();
    expect(r.code).toBe(20);
    expect(r.stdout).toContain('fail: r@0.0.1 requires x');
    expect(r.stdout).toContain('fail: p@0.0.1 provides unused y');
  });

  it('DT-14 [[or]] alternatives are tried until one resolves', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'p', detect: writePlan('[[provides]]\nname = "a"\n[[or]]\n[[or.provides]]\nname = "b"') });
    await writeBuildpack(ws.buildpacks, { id: 'r', detect: writePlan('[[requires]]\nname = "b"') });
    await order([ref('p'), ref('r')]);
    const r = await detect({ args: ['-log-level', 'debug'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Resolving plan... (try #2)');
    expect(await readFile(join(ws.layers, 'plan.toml'), 'utf8')).toContain('name = "b"');
  });

  it('DT-17 an optional buildpack with an unmet require is excluded from group and plan', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'o', detect: writePlan('[[requires]]\nname = "missing"') });
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await order([ref('o', true), ref('a')]);
    const r = await detect();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 of 2 buildpacks participating');
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).not.toContain('id = "o"');
  });

  it('DT-13 invalid TOML in a passing plan is an error for that element (21)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: writePlan('[[requires]\nname=') });
    await order([ref('a')]);
    const r = await detect();
    expect(r.code).toBe(21);
    expect(r.stdout).toContain('======== Error: a@0.0.1 ========');
  });

  it('DT-13 the plan of a failing element is not parsed', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: `${writePlan('garbage [[')}\nexit 100` });
    await order([ref('a')]);
    expect((await detect()).code).toBe(20);
  });

  it('DT-20 a top-level "version" in requires is a detect error', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: writePlan('[[provides]]\nname = "x"\n[[requires]]\nname = "x"\nversion = "1"') });
    await order([ref('a')]);
    const r = await detect();
    expect(r.code).toBe(21);
    expect(r.stdout).toContain('has a "version" key');
  });

  it('FMT-PLAN the plan order is deterministic across runs', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'p', detect: writePlan('[[provides]]\nname = "z"\n[[provides]]\nname = "a"\n[[provides]]\nname = "m"') });
    await writeBuildpack(ws.buildpacks, { id: 'r', detect: writePlan('[[requires]]\nname = "m"\n[[requires]]\nname = "a"\n[[requires]]\nname = "z"') });
    await order([ref('p'), ref('r')]);
    await detect();
    const first = await readFile(join(ws.layers, 'plan.toml'), 'utf8');
    await writeFile(join(ws.layers, 'plan.toml'), '');
    await detect();
    expect(await readFile(join(ws.layers, 'plan.toml'), 'utf8')).toBe(first);
  });
});
