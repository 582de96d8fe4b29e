/**
 * analyzer (§3.1): arguments, flags per Platform API, input validation. None of these reach a registry:
 * they fail (or are accepted) while inputs are resolved.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runPhase, type PhaseRun } from './harness/index.js';

const APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('cnb-an-args-')));
afterEach(async () => cleanup());

const analyzer = (args: string[], platformApi = '0.15', env: Record<string, string> = {}): Promise<PhaseRun> =>
  runPhase('analyzer', { args: ['-layers', join(dir, 'layers'), ...args], platformApi, env });
const out = (r: PhaseRun) => r.stdout + r.stderr;

describe('analyzer arguments', () => {
  it('AN-01 no positional argument exits 3', async () => {
    const r = await analyzer(['-run-image', 'example.com/run']);
    expect(r.code).toBe(3);
    expect(out(r)).toContain('received 0 arguments, but expected 1');
  });

  it('AN-01 two positional arguments exit 3', async () => {
    const r = await analyzer(['-run-image', 'example.com/run', 'example.com/a', 'example.com/b']);
    expect(r.code).toBe(3);
  });

  it('AN-01 an invalid <image> reference exits 3 and names it', async () => {
    const r = await analyzer(['-run-image', 'example.com/run', 'example.com/Not_Valid:tag']);
    expect(r.code).toBe(3);
    expect(out(r)).toContain('example.com/Not_Valid:tag');
  });

  it('AN-02 an invalid -tag exits 3', async () => {
    const r = await analyzer(['-run-image', 'example.com/run', '-tag', 'example.com/app:bad tag', 'example.com/app']);
    expect(r.code).toBe(3);
  });

  it('AN-01/GEN-03 an invalid -run-image or -cache-image reference exits 3', async () => {
    expect((await analyzer(['-run-image', 'UPPER/run', 'example.com/app'])).code).toBe(3);
    expect((await analyzer(['-run-image', 'example.com/run', '-cache-image', 'example.com/c@sha256:bad', 'example.com/app'])).code).toBe(3);
  });

  it('AN-04 an invalid -previous-image exits 3 when not using the daemon', async () => {
    const r = await analyzer(['-run-image', 'example.com/run', '-previous-image', 'example.com/:x', 'example.com/app']);
    expect(r.code).toBe(3);
  });

  it('AN-03 tags on another registry than <image> exit 3 with "writing to multiple registries is unsupported"', async () => {
    const r = await analyzer(['-run-image', 'example.com/run', '-tag', 'other.example.org/app:v1', 'example.com/app']);
    expect(r.code).toBe(3);
    expect(out(r)).toContain('writing to multiple registries is unsupported');
  });

  for (const api of ['0.12', '0.15']) {
    it(`AN-07 without -run-image and without run.toml the analyzer exits 3 (Platform ${api})`, async () => {
      const r = await analyzer(['-run', join(dir, 'missing-run.toml'), 'example.com/app'], api);
      expect(r.code).toBe(3);
      expect(out(r)).toContain('-run-image is required when there is no run metadata available');
    });

    it(`AN-07 a run.toml without [[images]] exits 3 (Platform ${api})`, async () => {
      await writeFile(join(dir, 'run.toml'), '');
      const r = await analyzer(['-run', join(dir, 'run.toml'), 'example.com/app'], api);
      expect(r.code).toBe(3);
      expect(out(r)).toContain('-run-image is required when there is no run metadata available');
    });
  }

  it('AN-07/FMT-12 a run.toml with mirrors but no image is rejected', async () => {
    await writeFile(join(dir, 'run.toml'), '[[images]]\nmirrors = ["example.com/run"]\n');
    const r = await analyzer(['-run', join(dir, 'run.toml'), 'example.com/app']);
    expect(r.code).not.toBe(0);
    expect(out(r)).toContain('run.toml');
  });

  for (const api of ['0.7', '0.11']) {
    it(`RI-03 below 0.12 a missing stack.toml requires -run-image (exit 3, Platform ${api})`, async () => {
      const r = await analyzer(['-stack', join(dir, 'missing-stack.toml'), 'example.com/app'], api);
      expect(r.code).toBe(3);
      expect(out(r)).toContain('-run-image is required when there is no stack metadata available');
    });
  }
});

describe('analyzer flags per Platform API (§9: flags that do not exist in a version are unknown, exit 2)', () => {
  const cases: Array<{ flag: string[]; from?: string; until?: string }> = [
    { flag: ['-stack', '/x/stack.toml'], until: '0.12' },
    { flag: ['-run', '/x/run.toml'], from: '0.12' },
    { flag: ['-skip-layers'], from: '0.9' },
    { flag: ['-launch-cache', '/x/lc'], from: '0.9' },
    { flag: ['-layout'], from: '0.12' },
    { flag: ['-layout-dir', '/x/layout'], from: '0.12' },
    { flag: ['-insecure-registry', 'example.com'], from: '0.13' },
  ];
  for (const c of cases) {
    for (const api of APIS) {
      const exists = (!c.from || Number(api.split('.')[1]) >= Number(c.from.split('.')[1])) && (!c.until || Number(api.split('.')[1]) < Number(c.until.split('.')[1]));
      if (exists) continue;
      it(`GEN-02 ${c.flag[0]} is rejected at Platform ${api} (exit 2)`, async () => {
        const r = await analyzer([...c.flag, '-run-image', 'example.com/run', 'example.com/app'], api);
        expect(r.code).toBe(2);
      });
    }
  }
});

describe('analyzer OCI layout inputs (AN-16, GEN-10)', () => {
  it('GEN-10/ERRATA-01 -layout with CNB_EXPERIMENTAL_MODE unset fails: experimental features are disabled', async () => {
    const r = await analyzer(['-layout', '-layout-dir', join(dir, 'layout'), '-run-image', 'example.com/run', 'example.com/app']);
    expect(r.code).toBe(1);
    expect(out(r)).toContain('experimental features are disabled by CNB_EXPERIMENTAL_MODE=error');
  });

  it('GEN-10 CNB_USE_LAYOUT=true with CNB_EXPERIMENTAL_MODE=error fails', async () => {
    const r = await analyzer(['-layout-dir', join(dir, 'layout'), '-run-image', 'example.com/run', 'example.com/app'], '0.12', { CNB_USE_LAYOUT: 'true', CNB_EXPERIMENTAL_MODE: 'error' });
    expect(r.code).toBe(1);
  });

  it('AN-16 -layout without -layout-dir exits 3', async () => {
    const r = await analyzer(['-layout', '-run-image', 'example.com/run', 'example.com/app'], '0.15', { CNB_EXPERIMENTAL_MODE: 'warn' });
    expect(r.code).toBe(3);
    expect(out(r)).toContain('layout');
  });
});
