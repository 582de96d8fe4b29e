/**
 * The Windows launcher (.exe, mingw-w64) run under wine, when wine is installed: process selection by
 * `<type>.exe`, env ops, exec.d through the CNB_EXEC_D_HANDLE pipe, cmd.exe shell with .bat profiles and
 * exit-code forwarding. Uses a private WINEPREFIX, so the first start takes a while.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLaunchDescription, findLaunchLayers, writeLaunchDescription } from '../../../src/launch/index.js';
import type { BuildMetadata } from '../../../src/platform/index.js';
import { writeFiles } from './fixture.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const hasWine = spawnSync('sh', ['-c', 'command -v wine && command -v x86_64-w64-mingw32-gcc']).status === 0;

const EXECD_C = `#include <windows.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  const char *h = getenv("CNB_EXEC_D_HANDLE");
  if (!h) return 3;
  HANDLE w = (HANDLE)(ULONG_PTR)strtoull(h, NULL, 16);
  const char *s = "FROM_EXECD = \\"win \\\\u00e9\\"\\n";
  DWORD n;
  return WriteFile(w, s, (DWORD)strlen(s), &n, NULL) ? 0 : 4;
}
`;

let dir: string;
const winPath = (p: string) => `Z:${p.replaceAll('/', '\\')}`;

beforeAll(async () => {
  if (!hasWine) return;
  dir = await mkdtemp(join(tmpdir(), 'ln-win-'));
  execFileSync('bash', [join(ROOT, 'phases', 'launcher', 'build.sh'), '--windows', join(dir, 'launcher.exe')], { stdio: 'pipe' });
  const layers = join(dir, 'layers');
  await writeFiles(layers, {
    'acme/l.toml': '[types]\nlaunch = true\n',
    'acme/l/env/GREETING': 'hello',
    'acme/l/profile.d/p.bat': 'set PROF=yes\r\n',
    'acme/l/profile.d/p.sh': 'not for windows',
  });
  await mkdir(join(layers, 'acme', 'l', 'exec.d'), { recursive: true });
  await writeFile(join(dir, 'execd.c'), EXECD_C);
  execFileSync('x86_64-w64-mingw32-gcc', ['-O1', '-o', join(layers, 'acme', 'l', 'exec.d', 'e.exe'), join(dir, 'execd.c')]);
  await mkdir(join(dir, 'app'), { recursive: true });
  const md: BuildMetadata = {
    buildpacks: [{ id: 'acme', version: '1', api: '0.12' }],
    extensions: [],
    labels: [],
    processes: [{ type: 'web', command: ['cmd.exe', '/c', 'echo web %GREETING% %FROM_EXECD% & cd'], args: [], direct: true, buildpackId: 'acme' }],
    slices: [],
    bom: [],
  };
  const d = await buildLaunchDescription({ layersDir: layers, appDir: winPath(join(dir, 'app')), metadata: md, launchLayers: await findLaunchLayers(layers, ['acme']), os: 'windows' });
  await writeLaunchDescription(layers, d);
  await copyFile(join(dir, 'launcher.exe'), join(dir, 'web.exe'));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function wine(exe: string, args: string[]) {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    WINEPREFIX: join(dir, 'wine'),
    WINEDEBUG: '-all',
    CNB_PLATFORM_API: '0.15',
    CNB_LAYERS_DIR: winPath(join(dir, 'layers')),
  };
  return spawnSync('wine', [join(dir, exe), ...args], { env, encoding: 'utf8', timeout: 110_000 });
}

describe.skipIf(!hasWine)('Windows launcher (wine)', () => {
  it('LN-01 `web.exe` selects the process; env and exec.d (CNB_EXEC_D_HANDLE) apply; cwd is <app>', () => {
    const r = wine('web.exe', []);
    expect(r.status).toBe(0);
    const lines = r.stdout.split(/\r?\n/);
    expect(lines[0]).toBe('web hello win \u00e9 ');
    expect(lines[1]?.toLowerCase()).toBe(winPath(join(dir, 'app')).toLowerCase());
  }, 120_000);

  it('LN-11 a user shell command runs in cmd.exe after the .bat profile scripts', () => {
    const r = wine('launcher.exe', ['echo shell %GREETING% %PROF%']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('shell hello yes');
  }, 120_000);

  it('LN-13 the exit code is forwarded; no command is 82', () => {
    expect(wine('launcher.exe', ['--', 'cmd.exe', '/c', 'exit 9']).status).toBe(9);
    const none = wine('launcher.exe', []);
    expect(none.status).toBe(82);
    expect(none.stderr).toContain('a command is required');
  }, 120_000);
});
