import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffIdFileName, diffIdFileNames, prepareVolume, VOLUME_CACHE_DIRS } from '../../../src/cache/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import type { Digest } from '../../../src/oci/index.js';

const D = `sha256:${'c'.repeat(64)}` as Digest;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vollayout-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('volume cache layout (FMT-26)', () => {
  it('names layer tars <diffID>.tar, without the sha256: prefix on Windows, and reads both forms', () => {
    expect(VOLUME_CACHE_DIRS).toEqual({ committed: 'committed', staging: 'staging', backup: 'committed-backup' });
    expect(diffIdFileName(D, 'linux')).toBe(`sha256:${'c'.repeat(64)}.tar`);
    expect(diffIdFileName(D, 'win32')).toBe(`${'c'.repeat(64)}.tar`);
    expect(diffIdFileNames(D, 'linux')).toEqual([`${D}.tar`, `${'c'.repeat(64)}.tar`]);
  });

  it('creates committed/ and an empty staging/, and drops a stale backup', async () => {
    await mkdir(join(dir, 'staging'));
    await writeFile(join(dir, 'staging', 'junk'), 'x');
    await mkdir(join(dir, 'committed'));
    await mkdir(join(dir, 'committed-backup'));
    expect(await prepareVolume(dir)).toEqual({ rolledBack: false, committedDir: join(dir, 'committed') });
    expect((await readdir(dir)).sort()).toEqual(['committed', 'staging']);
    expect(await readdir(join(dir, 'staging'))).toEqual([]);
  });

  it('restores committed-backup/ when committed/ is missing (commit interrupted between the renames)', async () => {
    await mkdir(join(dir, 'committed-backup'));
    await writeFile(join(dir, 'committed-backup', 'io.buildpacks.lifecycle.cache.metadata'), '{}\n');
    await mkdir(join(dir, 'staging'));
    const log = memoryLogger();
    expect(await prepareVolume(dir, log)).toEqual({ rolledBack: true, committedDir: join(dir, 'committed') });
    expect(await readdir(join(dir, 'committed'))).toEqual(['io.buildpacks.lifecycle.cache.metadata']);
    expect(log.lines.join('\n')).toMatch(/interrupted/);
  });

  it('fails with ERR_CACHE when the directory does not exist', async () => {
    await expect(prepareVolume(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ERR_CACHE', message: expect.stringContaining('does not exist') });
  });
});
