import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTemp } from '../../../src/cache/temp-write.js';
import { hashFile, verified } from '../../../src/cache/verify.js';
import { exists, renameDurable, tempName } from '../../../src/cache/durable-fs.js';
import { readAll, sha } from './helpers/tar-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cache-verify-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = Buffer.from('some bytes to verify');

describe('verified', () => {
  it('passes good bytes through', async () => {
    expect(await readAll(verified(Readable.from([data]), { digest: sha(data) }, 'x'))).toEqual(data);
  });

  it('errors at EOF on a mismatch, runs onBad first, and names the source', async () => {
    let bad = 0;
    const s = verified(Readable.from([data]), { digest: sha(Buffer.from('other')) }, 'cache layer /c/x.tar', () => bad++);
    await expect(readAll(s)).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('cache layer /c/x.tar') });
    expect(bad).toBe(1);
  });

  it('destroys the source when the reader stops early', async () => {
    const src = Readable.from([data, data, data]);
    const s = verified(src, { digest: sha(data) }, 'x');
    s.destroy();
    await new Promise((r) => setImmediate(r));
    expect(src.destroyed).toBe(true);
  });
});

describe('hashFile / writeTemp / durable-fs', () => {
  it('hashes a file', async () => {
    await writeFile(join(dir, 'f'), data);
    expect(await hashFile(join(dir, 'f'))).toEqual({ digest: sha(data), size: data.length });
  });

  it('writeTemp hashes what it writes and removes the temp file on a mismatch', async () => {
    const t = await writeTemp(Readable.from([data]), dir, 'sha256:abc', { digest: sha(data), size: data.length });
    expect(t.digest).toBe(sha(data));
    expect(await exists(t.path)).toBe(true);
    await renameDurable(t.path, join(dir, 'final'));
    await expect(writeTemp([data], dir, 'x', { digest: sha(Buffer.from('no')) })).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    expect(await readdir(dir)).toEqual(['final']);
  });

  it('makes temp names in the target directory, safe for any hint', () => {
    const n = tempName('/a/b', 'sha256:../../x');
    expect(n.startsWith('/a/b/.tmp-sha256_.._.._x-')).toBe(true);
  });
});
