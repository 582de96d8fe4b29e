/**
 * The layer pipeline's speed-ups (bench 1: zlib with a 1 MiB output buffer fed several chunks ahead, tar
 * production yielding to the event loop) must not change a single byte: the blob must be exactly one zlib
 * stream over the whole tar at GZIP_LEVEL, so digests stay deterministic. Also: failures and aborts in the
 * middle of a multi-chunk layer reject (no hang) and leave no temp file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirEntries } from '../../../src/archive/index.js';
import { GZIP_LEVEL, LayerWriter } from '../../../src/layer/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gzip-bytes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A tree of many small files plus files larger than one tar chunk (1 MiB), half compressible. */
async function makeTree(root: string): Promise<void> {
  for (let d = 0; d < 5; d++) {
    await mkdir(join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < 200; f++) writeFileSync(join(root, `d${d}`, `f${f}.txt`), `file ${d}/${f} `.repeat((f * 37) % 300) + randomBytes(f % 50).toString('hex'));
  }
  writeFileSync(join(root, 'big-random.bin'), randomBytes(3 * 1024 * 1024 + 123));
  writeFileSync(join(root, 'big-text.txt'), Buffer.from('lorem ipsum dolor sit amet '.repeat(200_000)));
}

describe('LayerWriter output bytes', () => {
  it('the blob is byte for byte gzipSync(tar, GZIP_LEVEL): one zlib stream over the whole tar', async () => {
    const tree = join(dir, 'tree');
    await makeTree(tree);
    const f = await new LayerWriter({ artifactsDir: join(dir, 'out') }).write(dirEntries(tree, { uid: 1000, gid: 1000 }), { keepTar: true });
    const tar = readFileSync(f.tarPath as string);
    expect(tar.byteLength).toBeGreaterThan(8 * 1024 * 1024);
    expect(readFileSync(f.gzPath).equals(gzipSync(tar, { level: GZIP_LEVEL }))).toBe(true);
  });

  it('raw tar bytes fed in odd-sized chunks give the same blob as one piece', async () => {
    const raw = Buffer.concat([randomBytes(2 << 20), Buffer.alloc(3 << 20, 7), randomBytes(12345)]);
    const pieces: Buffer[] = [];
    for (let o = 0, i = 0; o < raw.length; i++) {
      const n = [1, 511, 65536, 1 << 20, 3 << 20][i % 5] as number;
      pieces.push(raw.subarray(o, o + n));
      o += n;
    }
    const w = new LayerWriter({ artifactsDir: join(dir, 'out') });
    const a = await w.writeTar(Readable.from(pieces));
    expect(readFileSync(a.gzPath).equals(gzipSync(raw, { level: GZIP_LEVEL }))).toBe(true);
  });

  it('a source failing after several chunks rejects and leaves no temp file', async () => {
    const out = join(dir, 'out');
    async function* failing(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 6; i++) yield randomBytes(1 << 20);
      throw new Error('disk went away');
    }
    await expect(new LayerWriter({ artifactsDir: out }).writeTar(failing(), { keepTar: true })).rejects.toThrow(/disk went away/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('an abort in the middle of a layer rejects and leaves no temp file', async () => {
    const out = join(dir, 'out');
    const ac = new AbortController();
    async function* slow(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 50; i++) {
        if (i === 5) ac.abort(new Error('stop'));
        yield randomBytes(1 << 20);
        await new Promise((r) => setImmediate(r));
      }
    }
    await expect(new LayerWriter({ artifactsDir: out }).writeTar(slow(), { signal: ac.signal })).rejects.toMatchObject({ code: 'ERR_IO' });
    expect(readdirSync(out)).toEqual([]);
  });
});
