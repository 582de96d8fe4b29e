// The standalone Linux binary (Node SEA) and the platform-neutral FreeBSD bundle from `npm run build:binaries`.
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIST, PHASES, ROOT, buildBinaries, expectedLifecycleToml, isRoot, lifecycleDir, run } from './helpers.js';

const dir = lifecycleDir('linux-amd64');
const CHROOT = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((p) => existsSync(p)) ?? 'chroot';
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
let buildOutput = '';

beforeAll(() => {
  buildOutput = buildBinaries(['linux-amd64', 'freebsd-neutral']).stdout;
}, 600_000);

describe.skipIf(!onLinuxX64)('linux-amd64 standalone lifecycle (GEN-13)', () => {
  it('is an ELF executable that carries the SEA blob, not a script', () => {
    const head = readFileSync(join(dir, 'lifecycle')).subarray(0, 4);
    expect(head.toString('latin1')).toBe('\x7fELF');
    expect(readFileSync(join(dir, 'lifecycle')).includes('NODE_SEA_BLOB')).toBe(true);
  });

  it('runs -version with no node on PATH and an empty environment', () => {
    const env = { PATH: '/nonexistent' };
    expect(run('sh', ['-c', 'command -v node'], { env: { PATH: env.PATH } }).code).not.toBe(0);
    const r = run(join(dir, 'lifecycle'), ['-version'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it.skipIf(!isRoot)('runs in an empty root holding only /cnb/lifecycle and the collected glibc/libstdc++ (no node, no host libs)', () => {
    const root = mkdtempSync(join(tmpdir(), 'lc-chroot-'));
    try {
      cpSync(join(DIST, 'linux-amd64', 'runtime'), root, { recursive: true });
      cpSync(dir, join(root, 'cnb', 'lifecycle'), { recursive: true, verbatimSymlinks: true });
      const r = run(CHROOT, [root, '/cnb/lifecycle/lifecycle', '-version'], { env: { PATH: '/cnb/lifecycle' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const d = run(CHROOT, [root, '/cnb/lifecycle/detector', '-help'], { env: { CNB_PLATFORM_API: '0.12' } });
      expect(d.stdout).toMatch(/^Usage: detector /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('has one relative symlink per phase and dispatches on argv[0]', () => {
    for (const phase of PHASES) {
      expect(lstatSync(join(dir, phase)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, phase))).toBe('lifecycle');
      const r = run(join(dir, phase), ['-help'], { env: { PATH: '/nonexistent', CNB_PLATFORM_API: '0.12' } });
      expect(r.stdout, `${phase}: ${r.stderr}`).toMatch(new RegExp(`^Usage: ${phase} `));
      expect(r.code).toBe(0);
    }
  });

  it('dispatches when found through PATH (argv[0] has no directory) and as `lifecycle <verb>`', () => {
    const byPath = run('builder', ['-help'], { env: { PATH: dir, CNB_PLATFORM_API: '0.12' } });
    expect(byPath.stdout).toMatch(/^Usage: builder /);
    const byVerb = run(join(dir, 'lifecycle'), ['detect', '-help'], { env: { CNB_PLATFORM_API: '0.12' } });
    expect(byVerb.stdout).toMatch(/^Usage: detector /);
  });

  it('refuses an unknown phase with the usage error', () => {
    const r = run(join(dir, 'lifecycle'), ['bogus'], { env: {} });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unknown phase 'bogus'");
  });

  it('ships lifecycle.toml with the supported APIs and version', () => {
    expect(readFileSync(join(dir, 'lifecycle.toml'), 'utf8')).toBe(expectedLifecycleToml());
  });

  it('ships the static launcher when phases/launcher/build.sh can build it, and says so when not', () => {
    if (existsSync(join(dir, 'launcher'))) {
      const r = run('file', [join(dir, 'launcher')]);
      if (r.code === 0) expect(r.stdout).toMatch(/statically linked|static-pie/);
    } else {
      expect(buildOutput).toMatch(/launcher not (included|built)/);
    }
  });

  it('reuses the cached binary when the bundle did not change', () => {
    const before = lstatSync(join(dir, 'lifecycle')).mtimeMs;
    const again = buildBinaries(['linux-amd64']);
    expect(again.stderr).toContain('linux-amd64: up to date');
    expect(lstatSync(join(dir, 'lifecycle')).mtimeMs).toBe(before);
  });
});

describe('freebsd-neutral bundle', () => {
  const nd = lifecycleDir('freebsd-neutral');

  it('is the CJS bundle with a node shebang, plus phase links and lifecycle.toml', () => {
    expect(readFileSync(join(nd, 'lifecycle'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    for (const phase of PHASES) expect(readlinkSync(join(nd, phase))).toBe('lifecycle');
    expect(readFileSync(join(nd, 'lifecycle.toml'), 'utf8')).toBe(expectedLifecycleToml());
  });

  it('runs through the shebang with any node on PATH and dispatches on the link name', () => {
    const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, CNB_PLATFORM_API: '0.12' };
    expect(run(join(nd, 'lifecycle'), ['-version'], { env }).code).toBe(0);
    expect(run(join(nd, 'restorer'), ['-help'], { env }).stdout).toMatch(/^Usage: restorer /);
  });
});
