import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect, escapeId, type DetectOrder, type DetectOutcome, type ModuleDescriptor } from '../../../../src/buildpack/index.js';
import { ApiVersion } from '../../../../src/platform/index.js';
import { memoryLogger, type ProcessRunner } from '../../../../src/sys/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'detector-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function bp(id: string, extra = '', api = '0.12'): Promise<void> {
  const dir = join(root, escapeId(id), '1');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'buildpack.toml'), `api = "${api}"\n[buildpack]\nid = "${id}"\nversion = "1"\n${extra}`);
}

const ref = (id: string, optional = false) => ({ id, version: '1', optional });
const noRunner: ProcessRunner = { run: () => Promise.reject(new Error('unused')) };

async function run(order: DetectOrder, codes: Record<string, number>, opts: { platformApi?: string; execEnv?: string; target?: { os: string; arch: string } } = {}) {
  const ran: string[] = [];
  const logger = memoryLogger('debug');
  const detectRunner = async (d: ModuleDescriptor): Promise<DetectOutcome> => {
    ran.push(d.id);
    return { code: codes[d.id] ?? 0, output: '', plan: { requires: [], provides: [], or: [] } };
  };
  const r = await detect({
    order,
    buildpacksDir: root,
    appDir: root,
    platformDir: root,
    platformApi: ApiVersion.parse(opts.platformApi ?? '0.15'),
    baseEnv: {},
    envFiles: { platform: [], buildConfig: [] },
    runner: noRunner,
    logger,
    detectRunner,
    ...(opts.execEnv ? { execEnv: opts.execEnv } : {}),
    ...(opts.target ? { target: opts.target } : {}),
  }).then(
    (v) => ({ ok: true as const, ids: v.group.group.map((e) => e.id) }),
    (e: { code: string }) => ({ ok: false as const, code: e.code }),
  );
  return { r, ran, lines: logger.lines };
}

describe('order walking (DT-04..DT-06, DT-11, DT-12)', () => {
  it('DT-04 [E, O, F] expands to [E,A,B,F] then [E,C,D,F]', async () => {
    for (const id of ['e', 'a', 'b', 'c', 'd', 'f']) await bp(id);
    await bp('o', '[[order]]\n[[order.group]]\nid = "a"\nversion = "1"\n[[order.group]]\nid = "b"\nversion = "1"\n[[order]]\n[[order.group]]\nid = "c"\nversion = "1"\n[[order.group]]\nid = "d"\nversion = "1"\n');
    const { r } = await run([[ref('e'), ref('o'), ref('f')]], { a: 100 });
    expect(r).toEqual({ ok: true, ids: ['e', 'c', 'd', 'f'] });
  });

  it('DT-04 [O, P] is the cartesian product AB·EF, AB·GH, CD·EF, CD·GH', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) await bp(id);
    const grp = (x: string, y: string) => `[[order]]\n[[order.group]]\nid = "${x}"\nversion = "1"\n[[order.group]]\nid = "${y}"\nversion = "1"\n`;
    await bp('o', grp('a', 'b') + grp('c', 'd'));
    await bp('p', grp('e', 'f') + grp('g', 'h'));
    expect((await run([[ref('o'), ref('p')]], { e: 100 })).r).toEqual({ ok: true, ids: ['a', 'b', 'g', 'h'] });
    expect((await run([[ref('o'), ref('p')]], { a: 100, e: 100 })).r).toEqual({ ok: true, ids: ['c', 'd', 'g', 'h'] });
  });

  it('DT-05 an optional entry: the group without it is tried after', async () => {
    for (const id of ['a', 'b']) await bp(id);
    const { r } = await run([[ref('a', true), ref('b')]], { a: 100 });
    expect(r).toEqual({ ok: true, ids: ['b'] });
  });

  it('DT-06 a buildpack already in the group is not run twice; runs are reused across groups', async () => {
    for (const id of ['a', 'b']) await bp(id);
    await bp('c', '[[order]]\n[[order.group]]\nid = "a"\nversion = "1"\n[[order.group]]\nid = "b"\nversion = "1"\n');
    const { r, ran } = await run([[ref('a'), ref('c')]], {});
    expect(r).toEqual({ ok: true, ids: ['a', 'b'] });
    expect(ran.sort()).toEqual(['a', 'b']);
  });

  it('DT-11 the first passing group wins', async () => {
    for (const id of ['a', 'b', 'c']) await bp(id);
    const { r, ran } = await run([[ref('a')], [ref('b')], [ref('c')]], { a: 100 });
    expect(r).toEqual({ ok: true, ids: ['b'] });
    expect(ran).not.toContain('c');
  });

  it('DT-12 all fail → 20 (ERR_DETECT_FAILED); with an error → 21 (ERR_DETECT_ERRORED)', async () => {
    for (const id of ['a', 'b']) await bp(id);
    expect((await run([[ref('a')], [ref('b')]], { a: 100, b: 100 })).r).toEqual({ ok: false, code: 'ERR_DETECT_FAILED' });
    expect((await run([[ref('a')], [ref('b')]], { a: 1, b: 100 })).r).toEqual({ ok: false, code: 'ERR_DETECT_ERRORED' });
  });

  it('DT-28 on failure the resolver log is printed at info level', async () => {
    await bp('a');
    const { lines } = await run([[ref('a')]], { a: 100 });
    expect(lines).toContain('======== Results ========');
    expect(lines).toContain('fail: a@1');
    expect(lines).toContain('ERROR: No buildpack groups passed detection.');
  });
});

describe('targets and exec-env (DT-22, DT-24)', () => {
  it('DT-22 a non-optional target mismatch is not run and counts as an error (≥0.12)', async () => {
    await bp('w', '[[targets]]\nos = "windows"\n');
    const { r, ran } = await run([[ref('w')]], {}, { target: { os: 'linux', arch: 'amd64' } });
    expect(r).toEqual({ ok: false, code: 'ERR_DETECT_ERRORED' });
    expect(ran).toEqual([]);
  });

  it('DT-22 below 0.12 targets are not checked; an optional mismatch still runs', async () => {
    await bp('w', '[[targets]]\nos = "windows"\n');
    await bp('a');
    expect((await run([[ref('w')]], {}, { platformApi: '0.11', target: { os: 'linux', arch: 'amd64' } })).r).toEqual({ ok: true, ids: ['w'] });
    const { ran } = await run([[ref('w', true), ref('a')]], {}, { target: { os: 'linux', arch: 'amd64' } });
    expect(ran).toContain('w');
  });

  it('DT-24 buildpacks not supporting the exec-env are skipped, not failed; all skipped → next group', async () => {
    await bp('t', 'exec-env = ["test"]\n');
    await bp('a');
    const one = await run([[ref('t'), ref('a')]], {}, { execEnv: 'production' });
    expect(one.r).toEqual({ ok: true, ids: ['a'] });
    expect(one.ran).toEqual(['a']);
    const two = await run([[ref('t')], [ref('a')]], {}, { execEnv: 'production' });
    expect(two.r).toEqual({ ok: true, ids: ['a'] });
    expect((await run([[ref('t')]], {}, { execEnv: 'test' })).r).toEqual({ ok: true, ids: ['t'] });
  });
});
