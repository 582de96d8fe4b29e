import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLaunchLayers } from '../../../src/env/index.js';
import { readLaunchDescription } from '../../../src/launch/index.js';
import { buildLauncher, imageEnv, makeImage, parseShow, run, SHOW_APP, type ImageSpec, type TestImage } from './fixture.js';

let dir: string;
let launcher: string;
const images: TestImage[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ln-env-'));
  launcher = buildLauncher(dir);
});
afterAll(async () => {
  for (const i of images) await i.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Two buildpacks, two layers each, exercising every EF action, delimiters and a process-scoped dir. */
function spec(absent = false): ImageSpec {
  return {
    buildpacks: [
      {
        id: 'acme/first',
        layers: {
          a: {
            files: {
              'bin/show': SHOW_APP,
              'lib/.keep': '',
              'env/OVR': 'first-a',
              'env/DEF.default': 'first-a',
              'env/APP.append': 'fa',
              'env/APP.delim': ',',
              'env/PRE.prepend': 'fa',
              'env/PRE.delim': ':',
              'env/NL': 'line\n',
              'env/IGN.x.append': 'ignored',
              'env.launch/LAUNCH_ONLY': 'yes',
              'env.launch/web/OVR': 'first-a-web',
              'env/OVR2': 'env',
              'env.launch/web/OVR2': 'web',
            },
          },
          b: { absent, files: { 'bin/.keep': '', 'env/OVR': 'first-b', 'env/DEF.default': 'first-b', 'env/APP.append': 'fb', 'env/APP.delim': ',' } },
        },
      },
      {
        id: 'acme/second',
        api: '0.10',
        layers: {
          c: { files: { 'bin/.keep': '', 'lib/.keep': '', 'env/PRE.prepend': 'sc', 'env/PRE.delim': ':', 'env/DEF.override': 'second-c' } },
        },
      },
    ],
    processes: [{ type: 'web', command: ['show'], buildpackId: 'acme/first' }],
  };
}

async function image(s: ImageSpec): Promise<TestImage> {
  const img = await makeImage(launcher, s);
  images.push(img);
  return img;
}

describe('launcher environment', () => {
  it('LN-07 lifecycle variables are removed and /cnb/process, /cnb/lifecycle leave PATH', async () => {
    const img = await image(spec());
    const r = run(img, { type: 'web', env: { CNB_PROCESS_TYPE: 'web', CNB_EXEC_ENV: 'production', OTHER: 'kept' } });
    expect(r.status).toBe(0);
    const env = parseShow(r.stdout).env;
    for (const k of ['CNB_APP_DIR', 'CNB_LAYERS_DIR', 'CNB_PROCESS_TYPE', 'CNB_PLATFORM_API', 'CNB_DEPRECATION_MODE']) expect(env[k]).toBeUndefined();
    expect(env['OTHER']).toBe('kept');
    expect(env['PATH']!.split(':')).not.toContain('/cnb/process');
    expect(env['PATH']!.split(':')).not.toContain('/cnb/lifecycle');
    expect(env['PATH']!.endsWith(':/usr/local/bin:/usr/bin:/bin')).toBe(true);
  });

  it('LN-08 bin/lib of launch layers: later buildpacks and later layers first (ENV-12, ERRATA-13)', async () => {
    const img = await image(spec());
    const env = parseShow(run(img, { type: 'web' }).stdout).env;
    const L = img.layers;
    expect(env['PATH']).toBe(`${L}/acme_second/c/bin:${L}/acme_first/b/bin:${L}/acme_first/a/bin:/usr/local/bin:/usr/bin:/bin`);
    expect(env['LD_LIBRARY_PATH']).toBe(`${L}/acme_second/c/lib:${L}/acme_first/a/lib`);
  });

  it('LN-08 env files: override, default, append, prepend, delim, verbatim values (EF-01..EF-08)', async () => {
    const img = await image(spec());
    const env = parseShow(run(img, { type: 'web' }).stdout).env;
    expect(env['OVR']).toBe('first-b'); // EF-03: a later layer beats an earlier one, even its env.launch/<type>
    expect(env['OVR2']).toBe('web'); // EF-03: within a layer env.launch/<type>/ beats env/
    expect(env['DEF']).toBe('second-c'); // EF-04: first default wins, then a later override
    expect(env['APP']).toBe('fa,fb'); // EF-05
    expect(env['PRE']).toBe('sc:fa'); // EF-06
    expect(env['NL']).toBe('line\n'); // EF-02
    expect(env['IGN']).toBeUndefined(); // EF-01 compound suffix ignored
    expect(env['LAUNCH_ONLY']).toBe('yes'); // EF-09
  });

  it('EF-10 env.launch/<type>/ applies only to that process type', async () => {
    const img = await image(spec());
    const env = parseShow(run(img, { args: ['--', 'show'] }).stdout).env;
    expect(env['OVR']).toBe('first-b');
    expect(env['OVR2']).toBe('env');
  });

  it('LN-08 the launcher env equals src/env applyLaunchLayers for the same layers', async () => {
    const img = await image(spec());
    const base = imageEnv(img);
    for (const k of ['CNB_APP_DIR', 'CNB_LAYERS_DIR', 'CNB_PLATFORM_API', 'CNB_DEPRECATION_MODE']) delete base[k];
    base['PATH'] = '/usr/local/bin:/usr/bin:/bin';
    // The oracle prepends each layer's bin/lib just before its env files; with no env file touching PATH or
    // LD_LIBRARY_PATH here that is the same as LN-08's "all root dirs of a buildpack first".
    const expected = await applyLaunchLayers(base, [join(img.layers, 'acme_first'), join(img.layers, 'acme_second')], 'web', { os: 'linux' });
    const got = parseShow(run(img, { type: 'web' }).stdout).env;
    delete got['PWD'];
    delete got['SHLVL'];
    delete got['_'];
    expect(got).toEqual(expected);
  });

  it('LN-15 user-provided run-time variables (BPL_*) reach the process; buildpack defaults do not override them', async () => {
    const img = await image(spec());
    const env = parseShow(run(img, { type: 'web', env: { BPL_DEBUG: 'true', DEF: 'user' } }).stdout).env;
    expect(env['BPL_DEBUG']).toBe('true');
    expect(env['DEF']).toBe('second-c'); // a buildpack override still applies (EF-03)
    const env2 = parseShow(run(await image(spec()), { type: 'web', env: { APP: 'u' } }).stdout).env;
    expect(env2['APP']).toBe('u,fa,fb');
  });

  it('EP-05 a reused layer (absent at export) is read at launch time with the same result', async () => {
    const present = await image(spec(false));
    const reused = await image(spec(true));
    const d = await readLaunchDescription(reused.layers);
    expect(d.ops.filter((o) => o.kind === 'scan').map((o) => (o.kind === 'scan' ? o.what : ''))).toEqual(['root', 'env', 'execd', 'profile']);
    await reused.materializeAbsent();
    const a = parseShow(run(present, { type: 'web' }).stdout).env;
    const b = parseShow(run(reused, { type: 'web' }).stdout).env;
    const norm = (e: Record<string, string>, root: string) => JSON.parse(JSON.stringify(e).replaceAll(root, '<root>'));
    expect(norm(b, reused.root)).toEqual(norm(a, present.root));
  });
});
