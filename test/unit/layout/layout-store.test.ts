import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLayers } from '../../../src/image/index.js';
import { dirLayer, LayerWriter } from '../../../src/layer/index.js';
import { LayoutStore, OciLayout, REF_NAME, layoutPath } from '../../../src/layout/index.js';
import { randomImage } from '../../helpers/random-image.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';
import { expectValidImage } from '../../helpers/validate-image.js';

useTmpDirs();

describe('LayoutStore (kind layout)', () => {
  it('writes at the FMT-25 path, reads back the same image lazily, reports digest/imageId/size', async () => {
    const dir = await tmpDir();
    const store = new LayoutStore(dir);
    const img = await randomImage({ layers: 2 });
    expect(await store.exists('reg.io/team/app:v1')).toBe(false);
    expect(await store.image('reg.io/team/app:v1')).toBeUndefined();
    const res = await store.write(img, ['reg.io/team/app:v1', 'reg.io/team/app:latest']);
    expect(res).toEqual({ digest: await img.digest(), imageId: await img.imageId(), manifestSize: (await img.rawManifest()).byteLength });
    const path = layoutPath(dir, 'reg.io/team/app:v1');
    expect(path).toBe(join(dir, 'reg.io/team/app/v1'));
    const index = JSON.parse(readFileSync(join(path, 'index.json'), 'utf8'));
    expect(index.manifests).toEqual([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: res.manifestSize, digest: res.digest, annotations: { [REF_NAME]: 'v1' } }]);
    const back = await store.image('reg.io/team/app:latest');
    expect(back).toBeDefined();
    await expectValidImage(back!);
    expect(await back!.digest()).toBe(res.digest);
    expect(await store.exists('reg.io/team/app:v1')).toBe(true);
    // a digest reference has its own path (FMT-25) and resolves by digest
    const byDigest = `reg.io/team/app@${res.digest}`;
    expect(await store.image(byDigest)).toBeUndefined();
    await store.write(img, [byDigest]);
    expect(await (await store.image(byDigest))!.digest()).toBe(res.digest);
  });

  it('replaces by ref name, keeps other names, and does not rewrite blobs it has', async () => {
    const dir = await tmpDir();
    const store = new LayoutStore(dir, { mapping: 'flat' });
    const one = await randomImage({ layers: 1 });
    const two = appendLayers(one, [{ layer: (await (await randomImage({ layers: 1 })).layers())[0]! }]);
    await store.write(one, ['x/app:a', 'x/app:b']);
    const blob = join(dir, 'blobs', 'sha256', (await (await one.layers())[0]!.digest()).slice(7));
    const before = statSync(blob).mtimeMs;
    await store.write(two, ['x/app:a']);
    expect(statSync(blob).mtimeMs).toBe(before);
    const idx = await (await OciLayout.open(dir))!.readIndex();
    expect(idx.manifests.map((m) => m.annotations?.[REF_NAME]).sort()).toEqual(['a', 'b']);
    expect(await (await store.image('x/app:a'))!.digest()).toBe(await two.digest());
    expect(await (await store.image('x/app:b'))!.digest()).toBe(await one.digest());
    expect(await store.exists('x/app:c')).toBe(false);
  });

  it('copies a LayerWriter blob as a file and the image validates', async () => {
    const dir = await tmpDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'hello'), 'hello');
    const layer = await dirLayer(join(dir, 'src'), { writer: new LayerWriter({ artifactsDir: join(dir, 'art') }), uid: 1000, gid: 1000, prefix: '/workspace', parents: false });
    const img = appendLayers(await randomImage({ layers: 1 }), [{ layer }]);
    const store = new LayoutStore(join(dir, 'out'));
    await store.write(img, ['localhost/app:t']);
    await expectValidImage((await store.image('localhost/app:t'))!);
    expect(readdirSync(join(layoutPath(join(dir, 'out'), 'localhost/app:t'), 'blobs', 'sha256'))).toContain(layer.file.digest.slice(7));
  });
});
