import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, orderToml, writeBuildpack, writeExtension, writeOrder, writePlan, type Workspace } from './harness/index.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('cnb-detect-order-');
});
afterEach(async () => ws.cleanup());

const ref = (id: string, optional = false) => ({ id, version: '0.0.1', ...(optional ? { optional } : {}) });
const order = (...groups: { id: string; version: string; optional?: boolean }[][]) => writeOrder(join(ws.layers, 'order.toml'), groups);
const detect = (opts: { args?: string[]; env?: Record<string, string>; platformApi?: string } = {}) =>
  ws.run('detector', { ...opts, args: [...ws.dirArgs, ...(opts.args ?? [])] });
const groupIds = async () => [...(await readFile(join(ws.layers, 'group.toml'), 'utf8')).matchAll(/id = "([^"]+)"/g)].map((m) => m[1]);

describe('order resolution (GEN-07, DT-01..DT-06)', () => {
  it('GEN-07 <layers>/order.toml is used when present; -order / CNB_ORDER_PATH win', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await writeBuildpack(ws.buildpacks, { id: 'b' });
    await order([ref('a')]);
    await writeOrder(join(ws.root, 'other.toml'), [[ref('b')]]);
    expect((await detect()).code).toBe(0);
    expect(await groupIds()).toEqual(['a']);
    expect((await detect({ args: ['-order', join(ws.root, 'other.toml')] })).code).toBe(0);
    expect(await groupIds()).toEqual(['b']);
    expect((await detect({ env: { CNB_ORDER_PATH: join(ws.root, 'other.toml') } })).code).toBe(0);
    expect(await groupIds()).toEqual(['b']);
  });

  it('DT-04 a composite [E, O, F] tries [E,A,B,F] then [E,C,D,F]', async () => {
    for (const id of ['e', 'b', 'c', 'd', 'f']) await writeBuildpack(ws.buildpacks, { id });
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'o', order: [[ref('a'), ref('b')], [ref('c'), ref('d')]] });
    await order([ref('e'), ref('o'), ref('f')]);
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await groupIds()).toEqual(['e', 'c', 'd', 'f']);
  });

  it('DT-04 [O, P] is the cartesian product in order AB·EF, AB·GH, CD·EF, CD·GH', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'f', 'g', 'h']) await writeBuildpack(ws.buildpacks, { id });
    await writeBuildpack(ws.buildpacks, { id: 'e', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'o', order: [[ref('a'), ref('b')], [ref('c'), ref('d')]] });
    await writeBuildpack(ws.buildpacks, { id: 'p', order: [[ref('e'), ref('f')], [ref('g'), ref('h')]] });
    await order([ref('o'), ref('p')]);
    expect((await detect()).code).toBe(0);
    expect(await groupIds()).toEqual(['a', 'b', 'g', 'h']);
  });

  it('DT-05 an optional composite whose groups all fail is dropped from the group', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'x', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'o', order: [[ref('x')]] });
    await writeBuildpack(ws.buildpacks, { id: 'z' });
    await order([ref('o', true), ref('z')]);
    expect((await detect()).code).toBe(0);
    expect(await groupIds()).toEqual(['z']);
  });

  it('DT-06 a buildpack reached twice in one group runs once and appears once', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'a', detect: `echo run >> ${ws.out}/a-runs` });
    await writeBuildpack(ws.buildpacks, { id: 'o', order: [[ref('a')]] });
    await order([ref('a'), ref('o')]);
    expect((await detect()).code).toBe(0);
    expect(await groupIds()).toEqual(['a']);
    expect(await readFile(join(ws.out, 'a-runs'), 'utf8')).toBe('run\n');
  });
});

describe('system buildpacks (DT-02, FMT-SYSTEM)', () => {
  const system = (pre: string[], post: string[]) =>
    [...pre.map((id) => `[[system.pre.buildpacks]]\nid = "${id}"\nversion = "0.0.1"\noptional = true\n`), ...post.map((id) => `[[system.post.buildpacks]]\nid = "${id}"\nversion = "0.0.1"\n`)].join('');

  it('DT-02 (0.15) pre buildpacks go first and post last in every group, without duplicates', async () => {
    for (const id of ['pre', 'a', 'post']) await writeBuildpack(ws.buildpacks, { id });
    await order([ref('a')]);
    await writeFile(join(ws.root, 'system.toml'), system(['pre'], ['post', 'a']));
    const r = await detect({ args: ['-system', join(ws.root, 'system.toml')] });
    expect(r.code, r.stderr).toBe(0);
    expect(await groupIds()).toEqual(['pre', 'a', 'post']);
  });

  it('DT-02/ERRATA-10 system buildpacks are required even if marked optional', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'pre', detect: 'exit 100' });
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await order([ref('a')]);
    await writeFile(join(ws.root, 'system.toml'), system(['pre'], []));
    expect((await detect({ env: { CNB_SYSTEM_PATH: join(ws.root, 'system.toml') } })).code).toBe(20);
  });

  it('DT-02 a missing system.toml is a no-op; below 0.15 system.toml is ignored and -system unknown', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'pre' });
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await order([ref('a')]);
    expect((await detect({ args: ['-system', join(ws.root, 'none.toml')] })).code).toBe(0);
    await writeFile(join(ws.root, 'system.toml'), system(['pre'], []));
    expect((await detect({ platformApi: '0.14', env: { CNB_SYSTEM_PATH: join(ws.root, 'system.toml') } })).code).toBe(0);
    expect(await groupIds()).toEqual(['a']);
    expect((await detect({ platformApi: '0.14', args: ['-system', join(ws.root, 'system.toml')] })).code).toBe(2);
  });
});

describe('bad input (DT-03, VER-04, FMT-ORDER)', () => {
  it('VER-04/DT-03 a buildpack with an unsupported API exits 12 before running anything', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'ok', detect: `touch ${ws.out}/ran` });
    await writeBuildpack(ws.buildpacks, { id: 'old', api: '0.6' });
    await order([ref('ok')], [ref('old')]);
    const r = await detect();
    expect(r.code).toBe(12);
    expect(r.stderr).toMatch(/old.*buildpack\.toml/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('DT-03 a missing buildpack directory is a generic error (exit 1) naming the file', async () => {
    await order([ref('missing/bp')]);
    const r = await detect();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(ws.buildpacks, 'missing_bp', '0.0.1', 'buildpack.toml'));
  });

  it('FMT-ORDER malformed order.toml is exit 1 naming the file', async () => {
    await writeFile(join(ws.layers, 'order.toml'), '[[order]\n');
    const r = await detect();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(ws.layers, 'order.toml'));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('FMT-01 an order entry without id is exit 1 naming the file and field', async () => {
    await writeFile(join(ws.layers, 'order.toml'), '[[order]]\n[[order.group]]\nversion = "1"\n');
    const r = await detect();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('order[0].group[0].id');
  });

  it('GEN-07 a missing order file is exit 1 naming it', async () => {
    const r = await detect({ args: ['-order', join(ws.root, 'nope.toml')] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(ws.root, 'nope.toml'));
  });

  it('DT-04 a missing buildpack inside a composite is a detect error (exit 22)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'o', order: [[ref('ghost')]] });
    await order([ref('o')]);
    const r = await detect();
    expect(r.code).toBe(22);
    expect(r.stderr).toContain('ghost');
  });

  it('GEN-03 positional arguments are invalid (exit 3)', async () => {
    expect((await detect({ args: ['extra'] })).code).toBe(3);
  });

  it('FMT-BPTOML composite buildpack.toml [[order]] is read (escaped IDs in paths)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'acme/leaf' });
    await mkdir(join(ws.buildpacks, 'acme_meta', '1.0.0'), { recursive: true });
    await writeFile(
      join(ws.buildpacks, 'acme_meta', '1.0.0', 'buildpack.toml'),
      `api = "0.7"\n[buildpack]\nid = "acme/meta"\nversion = "1.0.0"\n${orderToml([[ref('acme/leaf')]])}`,
    );
    await order([{ id: 'acme/meta', version: '1.0.0' }]);
    expect((await detect()).code).toBe(0);
    expect(await groupIds()).toEqual(['acme/leaf']);
  });
});

describe('image extensions in detection (DT-01, DT-10, DT-18, DT-19, DT-27)', () => {
  const withExt = async (ext: string) => {
    await writeBuildpack(ws.buildpacks, { id: 'a' });
    await writeFile(join(ws.layers, 'order.toml'), `${orderToml([[ref('a')]])}\n${orderToml([[{ id: 'ext', version: '0.0.1' }]], 'order-extensions')}\n`);
    await writeExtension(ws.extensions, { id: 'ext', detect: ext });
  };
  const run = (platformApi = '0.15', env: Record<string, string> = {}) => detect({ platformApi, env, args: ['-extensions', ws.extensions] });

  it('DT-01/DT-18 an extension providing an unused dependency is excluded; buildpacks still pass', async () => {
    await withExt(writePlan('[[provides]]\nname = "unused"'));
    const r = await run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await groupIds()).toEqual(['a']);
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).not.toContain('group-extensions');
  });

  it('DT-01 a failing extension is optional', async () => {
    await withExt('exit 100');
    expect((await run()).code).toBe(0);
  });

  it('DT-19 an extension that outputs requires is a detect error for it (skipped as optional)', async () => {
    await withExt(writePlan('[[requires]]\nname = "x"'));
    const r = await run('0.15', {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('err:  ext@0.0.1');
  });

  it('DT-27 before 0.13 extensions are experimental: refused unless CNB_EXPERIMENTAL_MODE allows them', async () => {
    await withExt('exit 100');
    expect((await run('0.12')).code).toBe(1);
    expect((await run('0.12', { CNB_EXPERIMENTAL_MODE: 'warn' })).code).toBe(0);
  });
});
