import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLaunchDescription, findLaunchLayers, prepareLaunchDescription, readLaunchDescription, type DescOp } from '../../../src/launch/index.js';
import { ApiVersion, writeBuildMetadata, type BuildMetadata } from '../../../src/platform/index.js';

let layers: string;

async function put(rel: string, text = ''): Promise<void> {
  await mkdir(dirname(join(layers, rel)), { recursive: true });
  await writeFile(join(layers, rel), text);
}

const MD: BuildMetadata = {
  buildpackDefaultProcessType: 'web',
  buildpacks: [
    { id: 'acme/one', version: '1', api: '0.12' },
    { id: 'acme/old', version: '1', api: '0.8' },
  ],
  extensions: [],
  labels: [],
  processes: [
    { type: 'web', command: ['node', 'a.js'], args: ['x'], direct: false, buildpackId: 'acme/one', execEnv: ['production'] },
    { type: 'worker', command: ['run'], args: [], direct: false, buildpackId: 'acme/old', workingDir: '/srv' },
    { type: 'cli', command: ['run'], args: [], direct: true, buildpackId: 'acme/old' },
  ],
  slices: [],
  bom: [],
};

beforeEach(async () => {
  layers = await mkdtemp(join(tmpdir(), 'ln-desc-'));
  // acme/one: layers b and a (sorted to a, b), a build-only layer, a reused (absent) layer z
  await put('acme_one/b.toml', '[types]\nlaunch = true\n');
  await put('acme_one/b/bin/tool');
  await put('acme_one/b/env/B_VAR', 'b');
  await put('acme_one/b/exec.d/10-b');
  await put('acme_one/a.toml', '[types]\nlaunch = true\ncache = true\n');
  await put('acme_one/a/bin/x');
  await put('acme_one/a/lib/libx.so');
  await put('acme_one/a/env/PATH.prepend', '/opt/a');
  await put('acme_one/a/env/PATH.delim', ':');
  await put('acme_one/a/env/JAVA_OPTS.append', '-Xmx1g');
  await put('acme_one/a/env/JAVA_OPTS.delim', ' ');
  await put('acme_one/a/env/IGNORED.x.override', 'no');
  await put('acme_one/a/env.launch/MODE', 'launch\n');
  await put('acme_one/a/env.launch/web/PORT.default', '8080');
  await put('acme_one/a/env.launch/unknown-type/NOPE', 'no');
  await put('acme_one/a/env.build/BUILD_ONLY', 'no');
  await put('acme_one/a/exec.d/01-a');
  await put('acme_one/a/exec.d/web/02-web');
  await put('acme_one/a/exec.d/worker/03-worker');
  await put('acme_one/a/profile.d/p.sh');
  await put('acme_one/a/profile.d/p.bat');
  await put('acme_one/a/profile.d/worker/w.sh');
  await put('acme_one/build-only.toml', '[types]\nbuild = true\n');
  await mkdir(join(layers, 'acme_one/build-only/bin'), { recursive: true });
  await put('acme_one/z.toml', '[types]\nlaunch = true\n');
  await put('acme_one/launch.toml', '[[processes]]\n');
  await put('acme_old/c.toml', '[types]\nlaunch = true\n');
  await put('acme_old/c/env/C_VAR.default', 'c');
});
afterEach(async () => {
  await rm(layers, { recursive: true, force: true });
});

describe('findLaunchLayers', () => {
  it('EP-05 lists launch = true layers by buildpack then name; absent directories are reused layers', async () => {
    expect(await findLaunchLayers(layers, ['acme/one', 'acme/old', 'acme/none'])).toEqual([
      { buildpackId: 'acme/one', name: 'a', present: true },
      { buildpackId: 'acme/one', name: 'b', present: true },
      { buildpackId: 'acme/one', name: 'z', present: false },
      { buildpackId: 'acme/old', name: 'c', present: true },
    ]);
  });
});

async function build(os?: 'linux' | 'windows') {
  return buildLaunchDescription({ layersDir: layers, appDir: '/workspace', metadata: MD, launchLayers: await findLaunchLayers(layers, ['acme/one', 'acme/old']), ...(os ? { os } : {}) });
}

const brief = (op: DescOp): string => {
  switch (op.kind) {
    case 'root': return `root ${op.name} ${op.path}`;
    case 'env': return `env[${op.scope}] ${op.action} ${op.name}=${JSON.stringify(op.value)} delim=${JSON.stringify(op.delim)}`;
    case 'execd': case 'profile': return `${op.kind}[${op.scope}] ${op.path}`;
    case 'scan': return `scan ${op.what} ${op.path}`;
  }
};

describe('buildLaunchDescription', () => {
  it('LN-03/LN-04 process decisions by Buildpack API', async () => {
    const d = await build();
    expect(d.defaultType).toBe('web');
    expect(d.buildpacks).toEqual([{ id: 'acme/one', api: '0.12' }, { id: 'acme/old', api: '0.8' }]);
    expect(d.processes).toEqual([
      { type: 'web', buildpackId: 'acme/one', command: ['node', 'a.js'], args: ['x'], direct: true, argsMode: 'replace', workingDir: '', isDefault: true, execEnv: ['production'] },
      { type: 'worker', buildpackId: 'acme/old', command: ['run'], args: [], direct: false, argsMode: 'append', workingDir: '/srv', isDefault: false, execEnv: [] },
      { type: 'cli', buildpackId: 'acme/old', command: ['run'], args: [], direct: true, argsMode: 'append', workingDir: '', isDefault: false, execEnv: [] },
    ]);
  });

  it('LN-08/EF-08/ERRATA-11 op order: root dirs of a buildpack, then its env files; exec.d and profile.d per layer', async () => {
    const d = await build();
    expect(d.ops.map(brief)).toEqual([
      'root PATH acme_one/a/bin',
      'root LD_LIBRARY_PATH acme_one/a/lib',
      'root PATH acme_one/b/bin',
      'scan root acme_one/z',
      'env[] append JAVA_OPTS="-Xmx1g" delim=" "',
      'env[] prepend PATH="/opt/a" delim=":"',
      'env[] override MODE="launch\\n" delim=""',
      'env[web] default PORT="8080" delim=""',
      'env[] override B_VAR="b" delim=""',
      'scan env acme_one/z',
      'env[] default C_VAR="c" delim=""',
      'execd[] acme_one/a/exec.d/01-a',
      'execd[web] acme_one/a/exec.d/web/02-web',
      'execd[worker] acme_one/a/exec.d/worker/03-worker',
      'execd[] acme_one/b/exec.d/10-b',
      'scan execd acme_one/z',
      'profile[] acme_one/a/profile.d/p.bat',
      'profile[] acme_one/a/profile.d/p.sh',
      'profile[worker] acme_one/a/profile.d/worker/w.sh',
      'scan profile acme_one/z',
    ]);
  });

  it('Windows images: no LD_LIBRARY_PATH, only .bat profile scripts', async () => {
    const ops = (await build('windows')).ops.map(brief);
    expect(ops.filter((o) => o.includes('LD_LIBRARY_PATH'))).toEqual([]);
    expect(ops.filter((o) => o.startsWith('profile'))).toEqual(['profile[] acme_one/a/profile.d/p.bat']);
  });

  it('LN-14 an unsupported buildpack API fails at export time (ERR_BUILDPACK_API)', async () => {
    const md = { ...MD, buildpacks: [{ id: 'acme/one', version: '1', api: '0.6' }] };
    await expect(buildLaunchDescription({ layersDir: layers, appDir: '/w', metadata: md, launchLayers: [] })).rejects.toMatchObject({ code: 'ERR_BUILDPACK_API' });
  });

  it('prepareLaunchDescription reads metadata.toml (either command form) and writes <layers>/config/launch.desc', async () => {
    await writeBuildMetadata(join(layers, 'config', 'metadata.toml'), MD, ApiVersion.parse('0.9'));
    const d = await prepareLaunchDescription({ layersDir: layers, appDir: '/workspace' });
    expect(await readLaunchDescription(layers)).toEqual(d);
    // Platform <0.10 metadata: command is a string and command[1:] moved into args (BL-18).
    expect(d.processes[0]).toMatchObject({ command: ['node'], args: ['a.js', 'x'], argsMode: 'replace' });
  });
});
