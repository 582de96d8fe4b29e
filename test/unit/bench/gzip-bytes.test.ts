/**
 * The layer pipeline's speed-ups (bench 1: blocks compressed on several threads while the tar is produced,
 * tar production yielding to the event loop) must not change a single byte: the blob must be exactly the
 * block gzip of the whole tar at GZIP_LEVEL (src/stream block-gzip), however the work was scheduled, so
 * digests stay deterministic, and it must be a valid gzip of the tar. Also: failures and aborts in the
 * middle of a multi-chunk layer reject (no hang) and leave no temp file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dirEntries } from '../../../src/archive/index.js';
import { GZIP_LEVEL, LayerWriter } from '../../../src/layer/index.js';
import { blockGzipSync } from '../../../src/stream/index.js';

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
  it('the blob is byte for byte blockGzipSync(tar, GZIP_LEVEL) and gunzips to the tar', async () => {
    const tree = join(dir, 'tree');
    await makeTree(tree);
    const f = await new LayerWriter({ artifactsDir: join(dir, 'out') }).write(dirEntries(tree, { uid: 1000, gid: 1000 }), { keepTar: true });
    const tar = readFileSync(f.tarPath as string);
    expect(tar.byteLength).toBeGreaterThan(8 * 1024 * 1024);
    const gz = readFileSync(f.gzPath);
    expect(gz.equals(blockGzipSync(tar, GZIP_LEVEL))).toBe(true);
    expect(gunzipSync(gz).equals(tar)).toBe(true);
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
    expect(readFileSync(a.gzPath).equals(blockGzipSync(raw, GZIP_LEVEL))).toBe(true);
    const b = await w.writeTar(Readable.from([raw]));
    expect(b.digest).toBe(a.digest);
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
