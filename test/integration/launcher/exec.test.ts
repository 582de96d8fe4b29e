import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLauncher, imageEnv, makeImage, parseShow, script, SHOW_APP, type ImageSpec, type TestImage } from './fixture.js';

let dir: string;
let launcher: string;
const images: TestImage[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ln-exec-'));
  launcher = buildLauncher(dir);
});
afterAll(async () => {
  for (const i of images) await i.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const SPEC: ImageSpec = {
  buildpacks: [
    {
      id: 'acme/app',
      layers: {
        tools: {
          files: {
            'bin/show': SHOW_APP,
            'bin/trapper': script(['trap \'echo "got TERM"; exit 42\' TERM', 'echo "pid=$$"', 'while :; do sleep 0.05; done'].join('\n')),
            'env/GREETING': 'hello',
            'exec.d/e': script(`printf 'FROM_EXECD = "yes"\\n' >&3`),
            'profile.d/p.sh': 'export FROM_PROFILE=yes\n',
          },
        },
      },
    },
    { id: 'acme/legacy', api: '0.8' },
  ],
  processes: [
    { type: 'web', command: ['show'], args: ['a'], buildpackId: 'acme/app' },
    { type: 'trap', command: ['trapper'], buildpackId: 'acme/app' },
    { type: 'shell', command: ['show'], args: ['$GREETING'], direct: false, buildpackId: 'acme/legacy' },
  ],
};

async function image(): Promise<TestImage> {
  const img = await makeImage(launcher, SPEC);
  images.push(img);
  return img;
}

describe('launcher exec', () => {
  it('LN-12 the launcher replaces itself (same PID) and a signal reaches the app', async () => {
    const img = await image();
    const child = spawn(join(img.root, 'cnb', 'process', 'trap'), [], { env: imageEnv(img), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('pid=')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await ready;
    expect(out).toContain(`pid=${child.pid}`);
    child.kill('SIGTERM');
    expect(await exited).toBe(42);
    expect(out).toContain('got TERM');
  });

  it('LN-12 a shell process is exec-ed too (bash replaces the launcher)', async () => {
    const img = await image();
    const r = spawnSync(join(img.root, 'cnb', 'process', 'shell'), [], { env: imageEnv(img), encoding: 'utf8' });
    const s = parseShow(r.stdout);
    expect(s.args).toEqual(['hello']);
    expect(s.pid).toBe(r.pid);
    expect(s.env['FROM_PROFILE']).toBe('yes');
  });
});

/** A root file system with only busybox (static) and the image: no libc, no bash. */
async function busyboxRoot(img: TestImage): Promise<void> {
  const bin = join(img.root, 'bin');
  await mkdir(bin, { recursive: true });
  await copyFile('/bin/busybox', join(bin, 'busybox'));
  for (const tool of ['sh', 'env', 'printf', 'pwd', 'sleep', 'echo', 'cat']) await symlink('busybox', join(bin, tool));
  await unlink(join(img.root, 'cnb', 'lifecycle', 'launcher'));
  await copyFile(launcher, join(img.root, 'cnb', 'lifecycle', 'launcher'));
  for (const t of ['web', 'shell']) {
    await unlink(join(img.root, 'cnb', 'process', t));
    await symlink('/cnb/lifecycle/launcher', join(img.root, 'cnb', 'process', t));
  }
  await mkdir(join(img.root, 'tmp'), { recursive: true });
}

const canChroot = process.getuid?.() === 0 && existsSync('/bin/busybox') && existsSync('/usr/sbin/chroot');

describe.skipIf(!canChroot)('launcher in a busybox-only root (no libc)', () => {
  it('LN-12 the static launcher runs a process, exec.d and a /bin/sh shell process inside chroot', async () => {
    const img = await image();
    await busyboxRoot(img);
    expect(existsSync(join(img.root, 'lib'))).toBe(false);
    expect(existsSync(join(img.root, 'bin', 'bash'))).toBe(false);
    const env = { PATH: '/cnb/process:/cnb/lifecycle:/bin', CNB_PLATFORM_API: '0.15', CNB_LAYERS_DIR: '/layers', CNB_APP_DIR: '/app' };
    const direct = spawnSync('/usr/sbin/chroot', [img.root, '/cnb/process/web', 'x'], { env, encoding: 'utf8' });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(0);
    const s = parseShow(direct.stdout);
    expect(s.args).toEqual(['x']);
    expect(s.pwd).toBe('/app');
    expect(s.env['GREETING']).toBe('hello');
    expect(s.env['FROM_EXECD']).toBe('yes');
    expect(s.env['PATH']).toBe('/layers/acme_app/tools/bin:/bin');
    const shell = spawnSync('/usr/sbin/chroot', [img.root, '/cnb/process/shell'], { env, encoding: 'utf8' });
    expect(shell.status).toBe(0);
    expect(parseShow(shell.stdout).args).toEqual(['hello']);
    expect(parseShow(shell.stdout).env['FROM_PROFILE']).toBe('yes');
    const none = spawnSync('/usr/sbin/chroot', [img.root, '/cnb/lifecycle/launcher'], { env, encoding: 'utf8' });
    expect(none.status).toBe(82);
  });
});
