import { mkdtemp, rm, writeFile, mkdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLaunchDescription, launchDescriptionPath, readLaunchDescription } from '../../../src/launch/index.js';
import { buildLauncher, makeImage, parseShow, run, script, SHOW_APP, type ImageSpec, type TestImage } from './fixture.js';

let dir: string;
let launcher: string;
const images: TestImage[] = [];

const SPEC: ImageSpec = {
  buildpacks: [
    { id: 'acme/web', api: '0.12', layers: { tools: { files: { 'bin/show': SHOW_APP, 'env.launch/web/ONLY_WEB': 'yes' } } } },
    { id: 'acme/old', api: '0.8' },
  ],
  processes: [
    { type: 'web', command: ['show', 'always'], args: ['dflt'], buildpackId: 'acme/web' },
    { type: 'wd', command: ['show'], workingDir: 'sub', buildpackId: 'acme/web' },
    { type: 'old', command: ['show'], args: ['a1'], direct: false, buildpackId: 'acme/old' },
    { type: 'test-only', command: ['show'], execEnv: ['test'], buildpackId: 'acme/web' },
    { type: 'fail', command: ['sh', '-c', 'exit 7'], buildpackId: 'acme/web' },
    { type: 'missing', command: ['no-such-command-xyz'], buildpackId: 'acme/web' },
  ],
  defaultType: 'web',
  appFiles: { 'sub/.keep': '' },
};

async function image(spec: ImageSpec = SPEC): Promise<TestImage> {
  const img = await makeImage(launcher, spec);
  images.push(img);
  return img;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ln-sel-'));
  launcher = buildLauncher(dir);
});
afterAll(async () => {
  for (const i of images) await i.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('launcher process selection', () => {
  it('LN-01 basename($0) selects the buildpack process type', async () => {
    const r = run(await image(), { type: 'web' });
    expect(r.status).toBe(0);
    expect(parseShow(r.stdout).args).toEqual(['always', 'dflt']);
  });

  it('LN-01 (0.15) a process not eligible for CNB_EXEC_ENV fails; an eligible one runs', async () => {
    const img = await image();
    const bad = run(img, { type: 'test-only', env: { CNB_EXEC_ENV: 'production' } });
    expect(bad.status).toBe(82);
    expect(bad.stderr).toContain("process type 'test-only' is not eligible for execution environment 'production'");
    expect(run(img, { type: 'test-only', env: { CNB_EXEC_ENV: 'test' } }).status).toBe(0);
    expect(run(img, { type: 'web', env: { CNB_EXEC_ENV: 'test' } }).status).toBe(0); // exec-env ["*"]
  });

  it('LN-02 working-dir of the process (relative to <app>), else <app>', async () => {
    const img = await image();
    expect(parseShow(run(img, { type: 'wd' }).stdout).pwd).toBe(join(img.app, 'sub'));
    expect(parseShow(run(img, { type: 'web' }).stdout).pwd).toBe(img.app);
  });

  it('LN-03 (≥0.10, BP≥0.9) direct: user args replace args, command[1:] kept, no shell evaluation', async () => {
    const r = run(await image(), { type: 'web', args: ['u1', '$HOME', 'a b'] });
    expect(r.status).toBe(0);
    expect(parseShow(r.stdout).args).toEqual(['always', 'u1', '$HOME', 'a b']);
  });

  it('LN-04 (Platform <0.10) user args are appended to args', async () => {
    const r = run(await image({ ...SPEC, platformApi: '0.9' }), { type: 'web', args: ['u1'] });
    expect(r.status).toBe(0);
    expect(parseShow(r.stdout).args).toEqual(['always', 'dflt', 'u1']);
  });

  it('LN-04 (BP<0.9) direct=false is honoured (shell) and user args are appended', async () => {
    const r = run(await image(), { type: 'old', args: ['$HOME', 'x y'] });
    expect(r.status).toBe(0);
    expect(parseShow(r.stdout).args).toEqual(['a1', '/root', 'x y']);
  });

  it('LN-05 `launcher -- cmd args` runs directly in <app> without process-type env', async () => {
    const img = await image();
    const s = parseShow(run(img, { args: ['--', 'show', '$HOME', 'a b'] }).stdout);
    expect(s.args).toEqual(['$HOME', 'a b']);
    expect(s.pwd).toBe(img.app);
    expect(s.env['ONLY_WEB']).toBeUndefined();
    expect(parseShow(run(img, { type: 'web' }).stdout).env['ONLY_WEB']).toBe('yes');
  });

  it('LN-05 `launcher cmd args` runs through the shell: tokens are evaluated', async () => {
    const img = await image();
    const tokens = parseShow(run(img, { args: ['show', '$HOME', 'a b'] }).stdout);
    expect(tokens.args).toEqual(['/root', 'a b']);
    expect(tokens.pwd).toBe(img.app);
    const scriptMode = parseShow(run(img, { args: ['show "$HOME/x" lit'] }).stdout);
    expect(scriptMode.args).toEqual(['/root/x', 'lit']);
  });

  it('LN-06 no command and no process type: exit 82 with the REF message', async () => {
    const r = run(await image());
    expect(r.status).toBe(82);
    expect(r.stderr).toContain('ERROR: failed to launch: determine start command: when there is no default process a command is required');
  });

  it('LN-06 CNB_PROCESS_TYPE is ignored with a warning', async () => {
    const img = await image();
    const r = run(img, { env: { CNB_PROCESS_TYPE: 'web' } });
    expect(r.status).toBe(82);
    expect(r.stderr).toContain('CNB_PROCESS_TYPE is not supported');
    const u = run(img, { args: ['--', 'show'], env: { CNB_PROCESS_TYPE: 'web' } });
    expect(u.status).toBe(0);
    expect(parseShow(u.stdout).args).toEqual([]);
  });

  it('LN-13 the exit code is the process exit code; a command not in PATH is 82', async () => {
    const img = await image();
    expect(run(img, { type: 'fail' }).status).toBe(7);
    const nf = run(img, { type: 'missing' });
    expect(nf.status).toBe(82);
    expect(nf.stderr).toContain('"no-such-command-xyz": executable file not found in $PATH');
    expect(run(img, { args: ['exit 5'] }).status).toBe(5);
  });

  it('LN-13 a missing launch description is a launch error (82) naming the file', async () => {
    const img = await image();
    await unlink(launchDescriptionPath(img.layers));
    const r = run(img, { type: 'web' });
    expect(r.status).toBe(82);
    expect(r.stderr).toContain(launchDescriptionPath(img.layers));
  });

  it('LN-14 unset or unsupported CNB_PLATFORM_API exits 11', async () => {
    const img = await image();
    const unset = run(img, { type: 'web', env: { CNB_PLATFORM_API: undefined } });
    expect(unset.status).toBe(11);
    expect(unset.stderr).toContain('CNB_PLATFORM_API');
    const old = run(img, { type: 'web', env: { CNB_PLATFORM_API: '0.6' } });
    expect(old.status).toBe(11);
    expect(old.stderr).toContain("platform API version '0.6' is incompatible");
  });

  it('LN-14 an unsupported buildpack API in the image exits 12', async () => {
    const img = await image();
    const d = await readLaunchDescription(img.layers);
    await writeFile(launchDescriptionPath(img.layers), encodeLaunchDescription({ ...d, buildpacks: [{ id: 'acme/web', api: '0.6' }] }));
    const r = run(img, { type: 'web' });
    expect(r.status).toBe(12);
    expect(r.stderr).toContain("buildpack API version '0.6' is incompatible");
  });

  it('LN-13 a malformed description is 82, not a crash', async () => {
    const img = await image();
    await mkdir(join(img.layers, 'config'), { recursive: true });
    await writeFile(launchDescriptionPath(img.layers), 'cnb-launch-desc 1\nproc 999:web\n');
    const r = run(img, { type: 'web' });
    expect(r.status).toBe(82);
    expect(r.stderr).toContain('invalid launch description');
  });

  it('LN-05 a user command may be a script file in <app> (shell)', async () => {
    const img = await image({ ...SPEC, appFiles: { 'run.sh': script('echo "ran $1"') } });
    const r = run(img, { args: ['./run.sh', 'x'] });
    expect(r.stdout).toBe('ran x\n');
  });
});
