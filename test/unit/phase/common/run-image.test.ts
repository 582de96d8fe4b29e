import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { everyImageReadable, resolveRunImage, runImageForExport, selectRunImageMirror } from '../../../../src/phase/index.js';
import { ApiVersion } from '../../../../src/platform/index.js';

const v = (s: string) => ApiVersion.parse(s);
/** A checker that reads only the refs in `ok`, and records every call. */
function checker(ok: string[]) {
  const calls: string[] = [];
  return { calls, canRead: async (ref: string) => (calls.push(ref), ok.includes(ref)) };
}

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ri-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('selectRunImageMirror (RI-01)', () => {
  const entry = { image: 'a.example/run', mirrors: ['b.example/run', 'c.example/run'] };

  it('prefers a readable candidate on the target registry', async () => {
    const c = checker(['a.example/run', 'b.example/run', 'c.example/run']);
    expect(await selectRunImageMirror(entry, 'c.example', c.canRead)).toBe('c.example/run');
    expect(c.calls).toEqual(['c.example/run']);
  });

  it('skips an unreadable same-registry candidate and takes the first readable one', async () => {
    const c = checker(['b.example/run']);
    expect(await selectRunImageMirror(entry, 'a.example', c.canRead)).toBe('b.example/run');
  });

  it('throws "failed to find accessible run image" (exit 3) when nothing is readable', async () => {
    await expect(selectRunImageMirror(entry, 'a.example', checker([]).canRead)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGS', message: 'failed to find accessible run image' });
  });

  it('treats a throwing checker and an invalid reference as unreadable', async () => {
    const bad = { image: 'Not/Valid', mirrors: ['d.example/run'] };
    const canRead = async (ref: string) => {
      if (ref === 'd.example/run') return true;
      throw new Error('boom');
    };
    expect(await selectRunImageMirror(bad, undefined, canRead)).toBe('d.example/run');
  });

  it('matches Docker Hub names by normalized registry', async () => {
    const hub = { image: 'gcr.io/x/run', mirrors: ['index.docker.io/x/run'] };
    expect(await selectRunImageMirror(hub, 'docker.io', everyImageReadable)).toBe('index.docker.io/x/run');
  });
});

describe('resolveRunImage (AN-07, RI-01, RI-03)', () => {
  it('-run-image wins without reading any file', async () => {
    const r = await resolveRunImage({ platformApi: v('0.12'), runImage: 'x.example/run', appImage: 'x.example/app', runPath: join(dir, 'missing'), canRead: checker([]).canRead });
    expect(r).toEqual({ image: 'x.example/run', source: 'flag' });
  });

  it('≥0.12: only images[0] of run.toml is considered ([REF])', async () => {
    await writeFile(join(dir, 'run.toml'), '[[images]]\nimage = "a.example/run"\n[[images]]\nimage = "b.example/run"\n');
    await expect(resolveRunImage({ platformApi: v('0.12'), appImage: 'b.example/app', runPath: join(dir, 'run.toml'), canRead: checker(['b.example/run']).canRead })).rejects.toThrow('failed to find accessible run image');
  });

  it('≥0.12: a mirror on the app registry is chosen', async () => {
    await writeFile(join(dir, 'run.toml'), '[[images]]\nimage = "a.example/run"\nmirrors = ["b.example/run"]\n');
    const r = await resolveRunImage({ platformApi: v('0.15'), appImage: 'b.example/app', runPath: join(dir, 'run.toml'), canRead: everyImageReadable });
    expect(r).toEqual({ image: 'b.example/run', source: 'run.toml' });
  });

  it('≥0.12: missing or empty run.toml → "-run-image is required when there is no run metadata available"', async () => {
    await expect(resolveRunImage({ platformApi: v('0.12'), appImage: 'a.example/app', runPath: join(dir, 'missing'), canRead: everyImageReadable })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGS' });
    await writeFile(join(dir, 'run.toml'), '');
    await expect(resolveRunImage({ platformApi: v('0.12'), appImage: 'a.example/app', runPath: join(dir, 'run.toml'), canRead: everyImageReadable })).rejects.toThrow('no run metadata');
  });

  it('<0.12: stack.toml, same-registry mirror, no access check', async () => {
    await writeFile(join(dir, 'stack.toml'), '[run-image]\nimage = "a.example/run"\nmirrors = ["b.example/run"]\n');
    const c = checker([]);
    expect((await resolveRunImage({ platformApi: v('0.11'), appImage: 'b.example/app', stackPath: join(dir, 'stack.toml'), canRead: c.canRead })).image).toBe('b.example/run');
    expect((await resolveRunImage({ platformApi: v('0.7'), appImage: 'z.example/app', stackPath: join(dir, 'stack.toml'), canRead: c.canRead })).image).toBe('a.example/run');
    expect(c.calls).toEqual([]);
  });

  it('<0.12: missing stack.toml → "-run-image is required when there is no stack metadata available"', async () => {
    await expect(resolveRunImage({ platformApi: v('0.7'), appImage: 'a.example/app', stackPath: join(dir, 'missing'), canRead: everyImageReadable })).rejects.toThrow('no stack metadata');
  });
});

describe('runImageForExport (RI-02, RI-03)', () => {
  beforeEach(async () => {
    await writeFile(join(dir, 'run.toml'), '[[images]]\nimage = "a.example/run"\nmirrors = ["m.example/run"]\n[[images]]\nimage = "b.example/run"\nmirrors = ["n.example/run"]\n');
    await writeFile(join(dir, 'stack.toml'), '[run-image]\nimage = "s.example/run"\nmirrors = ["t.example/run"]\n');
  });
  const run = (name: string | undefined, extensionsUsed = false, api = '0.12') =>
    runImageForExport({ platformApi: v(api), runPath: join(dir, 'run.toml'), stackPath: join(dir, 'stack.toml'), runImageName: name, extensionsUsed });

  it('the entry whose image or mirror is the run image name', async () => {
    expect(await run('n.example/run')).toEqual({ image: 'b.example/run', mirrors: ['n.example/run'] });
    expect(await run('b.example/run:latest')).toEqual({ image: 'b.example/run', mirrors: ['n.example/run'] });
  });

  it('otherwise the first entry; with extensions {image: name} without mirrors ([REF])', async () => {
    expect(await run('x.example/run')).toEqual({ image: 'a.example/run', mirrors: ['m.example/run'] });
    expect(await run('x.example/run', true)).toEqual({ image: 'x.example/run', mirrors: [] });
  });

  it('<0.12 the stack.toml run image', async () => {
    expect(await run('a.example/run', false, '0.11')).toEqual({ image: 's.example/run', mirrors: ['t.example/run'] });
  });
});
