/** XT-09: image extension (generation and extension) is not run for Windows builds; the OS is injected. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate } from '../../../../src/buildpack/index.js';
import { isLifecycleError } from '../../../../src/errors/index.js';
import { extend } from '../../../../src/phase/index.js';
import { ApiVersion, emptyLifecycleMetadata } from '../../../../src/platform/index.js';
import { memoryLogger, type ProcessRunner } from '../../../../src/sys/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xt09-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ext = { id: 'acme/ext', version: '1.0.0', api: '0.12', extension: true };
const analyzed = { metadata: emptyLifecycleMetadata(), runImage: { reference: `registry.example/run@sha256:${'a'.repeat(64)}`, image: 'registry.example/run' } };

async function errorCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return isLifecycleError(e) ? e.code : String(e);
  }
}

describe('XT-09 Windows builds', () => {
  it('XT-09 generation is refused (92) before any /bin/generate runs or <generated> is created', async () => {
    const calls: string[] = [];
    const runner: ProcessRunner = { run: async (spec) => (calls.push(spec.command), { exitCode: 0, stdout: '', stderr: '', timedOut: false }) };
    const inputs = {
      extensions: [ext],
      extensionsDir: join(dir, 'extensions'),
      appDir: join(dir, 'app'),
      platformDir: join(dir, 'platform'),
      generatedDir: join(dir, 'generated'),
      platformApi: ApiVersion.parse('0.13'),
      plan: { entries: [] },
      analyzed,
      runToml: [],
      baseEnv: {},
      envFiles: { user: {}, operator: {} },
      runner,
      logger: memoryLogger(),
    } as unknown as Parameters<typeof generate>[0];
    const code = await errorCode(generate({ ...inputs, os: 'windows' }));
    expect(code).toBe('ERR_GENERATE');
    expect(calls).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    // The same inputs on Linux get past the OS check (and fail later on the missing extension descriptor).
    expect(await errorCode(generate({ ...inputs, os: 'linux' }))).not.toBeUndefined();
    expect(await readdir(dir)).toContain('generated');
  });

  for (const kind of ['build', 'run'] as const) {
    it(`XT-09 the extender (kind ${kind}) is refused (102) without reading the base image or running anything`, async () => {
      const spawned: string[] = [];
      const inputs = {
        kind,
        platformApi: ApiVersion.parse('0.13'),
        group: { group: [], groupExtensions: [ext] },
        analyzed,
        appDir: join(dir, 'app'),
        layersDir: join(dir, 'layers'),
        platformDir: join(dir, 'platform'),
        generatedDir: join(dir, 'generated'),
        extendedDir: join(dir, 'extended'),
        kanikoDir: join(dir, 'kaniko'),
        rootDir: join(dir, 'root'),
        logger: memoryLogger(),
        spawn: async (c: string) => (spawned.push(c), { code: 0, signal: null }),
      };
      expect(await errorCode(extend({ ...inputs, platform: 'win32' }))).toBe('ERR_EXTEND');
      expect(spawned).toEqual([]);
      expect(await readdir(dir)).toEqual([]);
      // On Linux the same inputs just find no Dockerfile to apply.
      expect((await extend({ ...inputs, platform: 'linux' })).applied).toBe(0);
    });
  }
});
