import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeLifecycleLabel,
  encodeLifecycleLabel,
  readAnalyzed,
  readReport,
  readRunToml,
  readStackToml,
  readProjectMetadata,
  writeAnalyzed,
  writeReport,
  type LifecycleMetadata,
} from '../../../../src/platform/index.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'fmt-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));

const D = (c: string) => `sha256:${c.repeat(64)}`;
const META: LifecycleMetadata = {
  app: [{ sha: D('a') }],
  sbom: { sha: D('b') },
  buildpacks: [
    {
      key: 'example/node',
      version: '1.0.0',
      layers: { deps: { sha: D('c'), data: { checksum: 'x', nested: { n: 1 } }, build: false, launch: true, cache: true } },
      store: { kept: 'yes' },
    },
  ],
  config: { sha: D('d') },
  launcher: { sha: D('e') },
  processTypes: { sha: D('f') },
  runImage: { topLayer: D('1'), reference: 'registry.example/run@' + D('2'), image: 'registry.example/run', mirrors: ['mirror.example/run'] },
  stack: { runImage: { image: 'registry.example/run', mirrors: ['mirror.example/run'] } },
};

describe('LBL-LIFECYCLE label codec', () => {
  it('LBL-04 uses REF JSON keys (key, data, runImage.topLayer, process-types) in REF order', () => {
    const json = encodeLifecycleLabel(META);
    expect(Object.keys(JSON.parse(json))).toEqual(['app', 'sbom', 'buildpacks', 'config', 'launcher', 'process-types', 'runImage', 'stack']);
    expect(json).toContain('"layers":{"deps":{"sha":"' + D('c') + '","data":{"checksum":"x","nested":{"n":1}},"build":false,"launch":true,"cache":true}}');
    expect(json).toContain('"runImage":{"topLayer":"' + D('1') + '"');
    expect(decodeLifecycleLabel(json, 'img')).toEqual(META);
  });

  it('AN-10 invalid JSON is a typed error; unknown shapes read as empty', () => {
    expect(() => decodeLifecycleLabel('{', 'img')).toThrow(/img: label io.buildpacks.lifecycle.metadata is not valid JSON/);
    expect(decodeLifecycleLabel('{"buildpacks":"nope","app":5}', 'img').buildpacks).toEqual([]);
  });
});

describe('FMT-AN analyzed.toml', () => {
  it('FMT-06 round-trips with [image], [metadata] (TOML keys) and REF target keys', async () => {
    const file = join(dir, 'analyzed.toml');
    await writeAnalyzed(file, {
      previousImage: { reference: 'r@' + D('9') },
      metadata: META,
      runImage: { reference: 'run@' + D('8'), image: 'run', target: { os: 'linux', arch: 'arm64', archVariant: 'v8', distro: { name: 'ubuntu', version: '22.04' } } },
    });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[image]');
    expect(text).toContain('[metadata.run-image]');
    expect(text).toContain('top-layer = ');
    expect(text).toMatch(/\[metadata\.buildpacks\.layers\.deps\.metadata\]/);
    expect(text).toContain('arch-variant = "v8"');
    const back = await readAnalyzed(file);
    expect(back.metadata).toEqual(META);
    expect(back.runImage?.target).toEqual({ os: 'linux', arch: 'arm64', archVariant: 'v8', distro: { name: 'ubuntu', version: '22.04' } });
  });

  it('ERRATA-03/04 reads the spec forms too ([previous-image], variant, [distro])', async () => {
    const file = join(dir, 'spec-analyzed.toml');
    await writeFile(file, '[previous-image]\nreference = "x"\n[run-image]\nreference = "r"\n[run-image.target]\nos = "linux"\narch = "arm"\nvariant = "v7"\n[run-image.target.distro]\nname = "debian"\nversion = "12"\n');
    const a = await readAnalyzed(file);
    expect(a.previousImage?.reference).toBe('x');
    expect(a.runImage?.target).toEqual({ os: 'linux', arch: 'arm', archVariant: 'v7', distro: { name: 'debian', version: '12' } });
  });

  it('a missing analyzed.toml reads as empty', async () => {
    const a = await readAnalyzed(join(dir, 'none.toml'));
    expect(a.exists).toBe(false);
    expect(a.metadata.buildpacks).toEqual([]);
  });

  it('malformed TOML names the file and line', async () => {
    const file = join(dir, 'bad.toml');
    await writeFile(file, '[image\nreference = 1\n');
    await expect(readAnalyzed(file)).rejects.toThrow(/bad\.toml \(line 1/);
  });
});

describe('FMT-REPORT, FMT-RUN, FMT-STACK, FMT-PROJECT', () => {
  it('FMT-11 report keeps only keys that apply; manifest-size is an integer', async () => {
    const file = join(dir, 'report.toml');
    await writeReport(file, { image: { tags: ['a:1', 'a:2'], digest: D('3'), manifestSize: 1234 } });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('manifest-size = 1234');
    expect(text).not.toContain('image-id');
    expect(await readReport(file)).toEqual({ image: { tags: ['a:1', 'a:2'], digest: D('3'), manifestSize: 1234 } });
  });

  it('FMT-12 run.toml: mirrors without image is invalid', async () => {
    const ok = join(dir, 'run.toml');
    await writeFile(ok, '[[images]]\nimage = "r/run"\nmirrors = ["m/run"]\n');
    expect(await readRunToml(ok)).toEqual([{ image: 'r/run', mirrors: ['m/run'] }]);
    const bad = join(dir, 'run-bad.toml');
    await writeFile(bad, '[[images]]\nmirrors = ["m/run"]\n');
    await expect(readRunToml(bad)).rejects.toThrow(/run-bad\.toml: images\[0\]\.image: is required/);
    expect(await readRunToml(join(dir, 'missing.toml'))).toEqual([]);
  });

  it('FMT-13 stack.toml [run-image]', async () => {
    const f = join(dir, 'stack.toml');
    await writeFile(f, '[run-image]\nimage = "r/run"\n');
    expect(await readStackToml(f)).toEqual({ image: 'r/run', mirrors: [] });
  });

  it('FMT-10 project metadata: every field optional, missing file is {}', async () => {
    expect(await readProjectMetadata(join(dir, 'nope.toml'))).toEqual({});
    const f = join(dir, 'pm.toml');
    await writeFile(f, '[source]\ntype = "git"\n[source.version]\ncommit = "abc"\n');
    expect(await readProjectMetadata(f)).toEqual({ source: { type: 'git', version: { commit: 'abc' } } });
  });
});
