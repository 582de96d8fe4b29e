import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  escapeId,
  findExecutable,
  readBuildpackDescriptor,
  readExtensionDescriptor,
  supportsExecEnv,
} from '../../../src/buildpack/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'bpdesc-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function bp(id: string, version: string, toml: string, bins: string[] = [], file = 'buildpack.toml'): Promise<string> {
  const dir = join(root, escapeId(id), version);
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, file), toml);
  for (const b of bins) {
    await writeFile(join(dir, 'bin', b), '#!/bin/sh\n');
    await chmod(join(dir, 'bin', b), 0o755);
  }
  return dir;
}

describe('buildpack.toml (FMT-BPTOML)', () => {
  it('reads every field and locates <buildpacks>/<escaped-id>/<version>', async () => {
    const dir = await bp(
      'acme/ruby',
      '1.2.3',
      `api = "0.12"
[buildpack]
id = "acme/ruby"
version = "1.2.3"
name = "Ruby"
homepage = "https://acme.test"
clear-env = true
description = "d"
keywords = ["k"]
sbom-formats = ["application/vnd.cyclonedx+json"]
exec-env = ["test", "production"]
[[buildpack.licenses]]
type = "MIT"
[[targets]]
os = "linux"
arch = "arm"
variant = "v7"
[[targets.distros]]
name = "ubuntu"
version = "22.04"
[metadata]
x = 1
`,
      ['detect', 'build'],
    );
    const d = await readBuildpackDescriptor(root, 'acme/ruby', '1.2.3');
    expect(d).toMatchObject({
      kind: 'buildpack',
      api: '0.12',
      id: 'acme/ruby',
      version: '1.2.3',
      name: 'Ruby',
      homepage: 'https://acme.test',
      clearEnv: true,
      keywords: ['k'],
      sbomFormats: ['application/vnd.cyclonedx+json'],
      execEnv: ['test', 'production'],
      licenses: [{ type: 'MIT' }],
      targets: [{ os: 'linux', arch: 'arm', archVariant: 'v7', distros: [{ name: 'ubuntu', version: '22.04' }] }],
      metadata: { x: 1 },
      dir,
      file: join(dir, 'buildpack.toml'),
      order: [],
    });
    expect(d.apiVersion.toString()).toBe('0.12');
  });

  it('ERRATA-09 accepts [[buildpack.exec-env]] name = "..." too', async () => {
    await bp('a', '1', 'api = "0.12"\n[buildpack]\nid = "a"\nversion = "1"\n[[buildpack.exec-env]]\nname = "test"\n');
    expect((await readBuildpackDescriptor(root, 'a', '1')).execEnv).toEqual(['test']);
  });

  it('ERRATA-04 accepts arch-variant', async () => {
    await bp('a', '1', 'api = "0.10"\n[buildpack]\nid = "a"\nversion = "1"\n[[targets]]\nos = "linux"\narch-variant = "v8"\n');
    expect((await readBuildpackDescriptor(root, 'a', '1')).targets[0]?.archVariant).toBe('v8');
  });

  it('FMT-21 infers linux from bin/build, windows from bin/build.bat, and translates stacks', async () => {
    await bp('l', '1', 'api = "0.10"\n[buildpack]\nid = "l"\nversion = "1"\n', ['build']);
    expect((await readBuildpackDescriptor(root, 'l', '1')).targets).toEqual([{ os: 'linux', arch: '', archVariant: '', distros: [] }]);
    await bp('w', '1', 'api = "0.10"\n[buildpack]\nid = "w"\nversion = "1"\n', ['build.bat']);
    expect((await readBuildpackDescriptor(root, 'w', '1')).targets).toEqual([{ os: 'windows', arch: '', archVariant: '', distros: [] }]);
    await bp('s', '1', 'api = "0.9"\n[buildpack]\nid = "s"\nversion = "1"\n[[stacks]]\nid = "io.buildpacks.stacks.bionic"\n', ['build']);
    expect((await readBuildpackDescriptor(root, 's', '1')).targets).toEqual([
      { os: 'linux', arch: 'amd64', archVariant: '', distros: [{ name: 'ubuntu', version: '18.04' }] },
    ]);
    await bp('any', '1', 'api = "0.9"\n[buildpack]\nid = "any"\nversion = "1"\n[[stacks]]\nid = "*"\n', ['build']);
    expect((await readBuildpackDescriptor(root, 'any', '1')).targets).toEqual([{ os: '', arch: '', archVariant: '', distros: [] }]);
  });

  it('DT-04 reads [[order]] of a composite buildpack', async () => {
    await bp('c', '1', 'api = "0.8"\n[buildpack]\nid = "c"\nversion = "1"\n[[order]]\n[[order.group]]\nid = "a"\nversion = "1"\noptional = true\n[[order.group]]\nid = "b"\nversion = "2"\n');
    expect((await readBuildpackDescriptor(root, 'c', '1')).order).toEqual([
      [
        { id: 'a', version: '1', optional: true },
        { id: 'b', version: '2', optional: false },
      ],
    ]);
  });

  it('VER-04 an unsupported or missing api is ERR_BUILDPACK_API naming the file', async () => {
    const dir = await bp('old', '1', 'api = "0.6"\n[buildpack]\nid = "old"\nversion = "1"\n');
    await expect(readBuildpackDescriptor(root, 'old', '1')).rejects.toMatchObject({ code: 'ERR_BUILDPACK_API', message: expect.stringContaining(join(dir, 'buildpack.toml')) });
    await bp('none', '1', '[buildpack]\nid = "none"\nversion = "1"\n');
    await expect(readBuildpackDescriptor(root, 'none', '1')).rejects.toMatchObject({ code: 'ERR_BUILDPACK_API' });
  });

  it('for every supported Buildpack API 0.7–0.12 the descriptor reads', async () => {
    for (const api of ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12']) {
      await bp('v', api, `api = "${api}"\n[buildpack]\nid = "v"\nversion = "${api}"\n`);
      expect((await readBuildpackDescriptor(root, 'v', api)).api).toBe(api);
    }
  });

  it('a missing buildpack is ERR_IO naming the buildpack and file', async () => {
    await expect(readBuildpackDescriptor(root, 'no/such', '1')).rejects.toMatchObject({
      code: 'ERR_IO',
      message: expect.stringMatching(/buildpack no\/such@1: .*no_such\/1\/buildpack\.toml.*does not exist/),
    });
  });

  it('malformed TOML is ERR_TOML naming the file', async () => {
    await bp('bad', '1', 'api = \n');
    await expect(readBuildpackDescriptor(root, 'bad', '1')).rejects.toMatchObject({ code: 'ERR_TOML', message: expect.stringContaining('buildpack.toml') });
  });
});

describe('extension.toml (FMT-EXTTOML)', () => {
  it('reads an extension and rejects an order (FMT-24)', async () => {
    await bp('e', '1', 'api = "0.10"\n[extension]\nid = "e"\nversion = "1"\nhomepage = "h"\n', [], 'extension.toml');
    expect(await readExtensionDescriptor(root, 'e', '1')).toMatchObject({ kind: 'extension', id: 'e', homepage: 'h' });
    await bp('eo', '1', 'api = "0.10"\n[extension]\nid = "eo"\nversion = "1"\n[[order]]\n', [], 'extension.toml');
    await expect(readExtensionDescriptor(root, 'eo', '1')).rejects.toMatchObject({ code: 'ERR_TOML' });
  });
});

describe('exec-env support (DT-24)', () => {
  it('no declaration or "*" means all; honoured only for BP≥0.12', async () => {
    await bp('t', '1', 'api = "0.12"\n[buildpack]\nid = "t"\nversion = "1"\nexec-env = ["test"]\n');
    await bp('s', '1', 'api = "0.12"\n[buildpack]\nid = "s"\nversion = "1"\nexec-env = ["*"]\n');
    await bp('o', '1', 'api = "0.11"\n[buildpack]\nid = "o"\nversion = "1"\nexec-env = ["test"]\n');
    await bp('n', '1', 'api = "0.12"\n[buildpack]\nid = "n"\nversion = "1"\n');
    const [t, s, o, n] = await Promise.all(['t', 's', 'o', 'n'].map((id) => readBuildpackDescriptor(root, id, '1')));
    expect(supportsExecEnv(t!, 'production')).toBe(false);
    expect(supportsExecEnv(t!, 'test')).toBe(true);
    expect(supportsExecEnv(s!, 'production')).toBe(true);
    expect(supportsExecEnv(o!, 'production')).toBe(true);
    expect(supportsExecEnv(n!, 'production')).toBe(true);
  });
});

describe('executables', () => {
  it('finds bin/<name> on Linux and bin/<name>.bat|.exe on Windows', async () => {
    const dir = await bp('x', '1', 'api = "0.12"\n', ['detect', 'build.exe']);
    expect(await findExecutable(dir, 'detect', 'linux')).toBe(join(dir, 'bin', 'detect'));
    expect(await findExecutable(dir, 'build', 'linux')).toBeUndefined();
    expect(await findExecutable(dir, 'build', 'windows')).toBe(join(dir, 'bin', 'build.exe'));
    expect(await findExecutable(dir, 'detect', 'windows')).toBeUndefined();
  });
});
