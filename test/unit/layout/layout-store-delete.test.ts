/** EP-30: LayoutStore.delete removes index entries (by tag ref name or by digest) and keeps the blobs. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayoutStore, OciLayout, REF_NAME } from '../../../src/layout/index.js';
import { randomImage } from '../../helpers/random-image.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';

useTmpDirs();

const refNames = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')).manifests.map((m: { annotations?: Record<string, string> }) => m.annotations?.[REF_NAME]);

describe('LayoutStore.delete (EP-30)', () => {
  it('flat: removes the entry of a tag; other tags, and every blob, stay', async () => {
    const dir = await tmpDir();
    const store = new LayoutStore(dir, { mapping: 'flat' });
    const a = await randomImage({ layers: 1 });
    const b = await randomImage({ layers: 1 });
    const ra = await store.write(a, ['x/app:a']);
    await store.write(b, ['x/app:b']);
    await store.delete('x/app:a');
    expect(refNames(dir)).toEqual(['b']);
    expect(await store.image('x/app:a')).toBeUndefined();
    expect(await store.image('x/app:b')).toBeDefined();
    expect(await (await OciLayout.open(dir))!.hasBlob({ digest: ra.digest!, size: ra.manifestSize! })).toBe(true); // no GC
  });

  it('a digest reference removes every entry with that manifest digest', async () => {
    const dir = await tmpDir();
    const store = new LayoutStore(dir, { mapping: 'flat' });
    const img = await randomImage({ layers: 1 });
    const r = await store.write(img, ['x/app:one', 'x/app:two']);
    await store.write(await randomImage({ layers: 1 }), ['x/app:other']);
    await store.delete(`x/app@${r.digest}`);
    expect(refNames(dir)).toEqual(['other']);
  });

  it('cnb mapping: the FMT-25 layout of the reference; a missing layout or entry is not an error', async () => {
    const dir = await tmpDir();
    const store = new LayoutStore(dir);
    await store.write(await randomImage({ layers: 1 }), ['reg.io/team/app:v1']);
    await store.delete('reg.io/team/app:v1');
    expect(await store.exists('reg.io/team/app:v1')).toBe(false);
    await expect(store.delete('reg.io/team/app:v1')).resolves.toBeUndefined();
    await expect(store.delete('reg.io/none/app:v1')).resolves.toBeUndefined();
    expect(existsSync(join(dir, 'reg.io/none'))).toBe(false);
  });
});
