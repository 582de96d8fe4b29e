import { fork } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VolumeCache, referencedDiffIds, type VolumeCachePoint } from '../../../src/cache/index.js';
import type { Digest } from '../../../src/oci/index.js';
import { generation } from './fixtures/generation.js';

let work: string;
let child: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cache-kill-'));
  child = join(work, 'commit-child.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'fixtures', 'commit-child.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: child, logLevel: 'error',
    // CommonJS dependencies (tar-stream) require Node builtins: give the ESM bundle a `require`.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the child until it reports `stopAt` (then SIGKILLs it) or finishes; resolves with what it reported. */
function runChild(cacheDir: string, gen: number, stopAt: string): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const p = fork(child, [cacheDir, String(gen), stopAt], { execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let outcome: 'killed' | 'done' | undefined;
    p.on('message', (m: { at?: string; done?: boolean }) => {
      if (m.at === stopAt) {
        outcome = 'killed';
        p.kill('SIGKILL');
      } else if (m.done) outcome = 'done';
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (outcome === 'killed' && signal === 'SIGKILL') resolve('killed');
      else if (outcome === 'done' && code === 0) resolve('done');
      else reject(new Error(`child ended unexpectedly: code ${code} signal ${signal}`));
    });
  });
}

/** Opens the cache as the restorer would and returns the generation it holds (0 = empty); checks consistency. */
async function readGeneration(cacheDir: string): Promise<number> {
  const cache = await VolumeCache.open(cacheDir);
  const meta = await cache.metadata();
  const bp = meta.buildpacks[0];
  if (bp === undefined) return 0;
  for (const id of referencedDiffIds(meta)) expect(await cache.verifyLayer(id as Digest)).toBe(true);
  const gen = Number(bp.version);
  expect(referencedDiffIds(meta).sort()).toEqual(referencedDiffIds(generation(gen).metadata).sort());
  expect((await readdir(cacheDir)).sort()).toEqual(['committed', 'staging']);
  return gen;
}

const cases: Array<[VolumeCachePoint, number]> = [
  ['layer-temp-written', 1],
  ['metadata-temp-written', 1],
  ['staging-synced', 1],
  ['committed-moved-to-backup', 1], // no committed/ on disk: recovered from committed-backup/
  ['staging-moved-to-committed', 2],
  ['backup-removed', 2],
];

describe('volume cache: a crash at any point of a commit leaves the last good cache readable', () => {
  it.each(cases)('SIGKILL at %s → generation %i', async (point, expected) => {
    const cacheDir = join(work, `cache-${point}`);
    await mkdir(cacheDir);
    expect(await runChild(cacheDir, 1, 'never')).toBe('done');
    expect(await readGeneration(cacheDir)).toBe(1);
    expect(await runChild(cacheDir, 2, point)).toBe('killed');
    expect(await readGeneration(cacheDir)).toBe(expected);
    // and the cache keeps working: the next build commits on top of whatever survived
    expect(await runChild(cacheDir, 3, 'never')).toBe('done');
    expect(await readGeneration(cacheDir)).toBe(3);
  });

  it('a crash during the very first commit leaves an empty, usable cache', async () => {
    const cacheDir = join(work, 'cache-first');
    await mkdir(cacheDir);
    expect(await runChild(cacheDir, 1, 'committed-moved-to-backup')).toBe('killed');
    expect(await readGeneration(cacheDir)).toBe(0);
  });
});
