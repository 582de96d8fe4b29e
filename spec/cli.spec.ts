import { describe, expect, it } from 'vitest';
import { runPhase } from './harness/index.js';

const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser'];

describe('versions and flags (every phase)', () => {
  for (const phase of PHASES) {
    it(`VER-03 ${phase}: unset CNB_PLATFORM_API exits 11 with a message`, async () => {
      const r = await runPhase(phase, { platformApi: null });
      expect(r.code).toBe(11);
      expect(r.stderr).toMatch(/CNB_PLATFORM_API/);
    });
  }

  it('VER-02 an unsupported Platform API exits 11 before any work', async () => {
    for (const api of ['0.6', '0.16', '1.0']) {
      const r = await runPhase('detector', { platformApi: api, args: ['-app', '/nonexistent'] });
      expect(r.code, api).toBe(11);
      expect(r.stderr).toContain(`'${api}'`);
    }
  });

  it('GEN-15 an invalid CNB_PLATFORM_API string exits 11', async () => {
    const r = await runPhase('builder', { platformApi: 'abc' });
    expect(r.code).toBe(11);
  });

  it('GEN-02 an unknown flag exits 2', async () => {
    const r = await runPhase('detector', { args: ['-no-such-flag'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('flag provided but not defined: -no-such-flag');
  });

  it('GEN-02 -version prints the version and exits 0', async () => {
    const r = await runPhase('detector', { args: ['-version'] });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('GEN-08 an invalid log level is an invalid input (exit 3)', async () => {
    const r = await runPhase('detector', { args: ['-log-level', 'loud'] });
    expect(r.code).toBe(3);
  });
});

describe('one binary for every phase', () => {
  it('GEN-13 dispatches on basename(argv[0]) and on a `lifecycle <verb>` first argument', async () => {
    const bySymlink = await runPhase('detector', { args: ['-no-such-flag'] });
    expect(bySymlink.stderr).toContain('Usage: detector');
    const byVerb = await runPhase('lifecycle', { args: ['detect', '-no-such-flag'] });
    expect(byVerb.code).toBe(2);
    expect(byVerb.stderr).toContain('Usage: detector');
    const unknown = await runPhase('lifecycle', { args: ['frobnicate'] });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/unknown phase 'frobnicate'/);
  });

  it('GEN-14 the build lays out /cnb/lifecycle/<phase> for every phase, the launcher and lifecycle.toml', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const { LIFECYCLE_DIR } = await import('./harness/index.js');
    const names = await readdir(LIFECYCLE_DIR);
    for (const p of [...PHASES, 'extender', 'launcher', 'lifecycle', 'lifecycle.toml']) expect(names, p).toContain(p);
    const { parseToml } = await import('../src/platform/index.js');
    const toml = parseToml(await readFile(`${LIFECYCLE_DIR}/lifecycle.toml`, 'utf8'), 'lifecycle.toml') as { apis: Record<string, { supported: string[] }> };
    expect(toml.apis['platform']?.supported).toEqual(['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15']);
    expect(toml.apis['buildpack']?.supported).toEqual(['0.7', '0.8', '0.9', '0.10', '0.11', '0.12']);
  });
});
