import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintDir } from '../../../src/cache/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fp-'));
  await mkdir(join(dir, 'layer', 'bin'), { recursive: true });
  await writeFile(join(dir, 'layer', 'bin', 'tool'), 'tool');
  for (let i = 0; i < 50; i++) await writeFile(join(dir, 'layer', `f${i}`), `file ${i}`);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprintDir', () => {
  it('is stable for an unchanged directory', async () => {
    const a = await fingerprintDir(join(dir, 'layer'));
    const b = await fingerprintDir(join(dir, 'layer'));
    expect(b.digest).toBe(a.digest);
    expect(a.entries).toBe(53); // root, bin, bin/tool, 50 files
  });

  it('ignores reads (atime is not part of it)', async () => {
    const a = await fingerprintDir(join(dir, 'layer'));
    await readFile(join(dir, 'layer', 'f1'));
    expect((await fingerprintDir(join(dir, 'layer'))).digest).toBe(a.digest);
  });

  it('depends on the salt and on the directory path', async () => {
    const a = await fingerprintDir(join(dir, 'layer'));
    expect((await fingerprintDir(join(dir, 'layer'), { salt: 'uid=1000' })).digest).not.toBe(a.digest);
    expect((await fingerprintDir(join(dir, 'layer', 'bin'))).digest).not.toBe(a.digest);
  });

  it('reports when it was taken (injected clock) and the newest change', async () => {
    const fp = await fingerprintDir(join(dir, 'layer'), { clock: { now: () => new Date(5_000_000_000_000) } });
    expect(fp.takenAtMs).toBe(5_000_000_000_000);
    expect(fp.newestChangeMs).toBeGreaterThan(0);
    expect(fp.newestChangeMs).toBeLessThan(5_000_000_000_000);
  });

  it('fails with ERR_IO naming the directory when it does not exist', async () => {
    await expect(fingerprintDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ERR_IO', message: expect.stringContaining('missing') });
  });
});
