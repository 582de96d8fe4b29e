import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLayers, editConfig, type Image } from '../../../../src/image/index.js';
import { LayoutStore, OciLayout } from '../../../../src/layout/index.js';
import { MediaTypes } from '../../../../src/oci/index.js';
import { extendedBase, openExtendedRun } from '../../../../src/phase/exporter/extended-run.js';
import { collect } from '../../../../src/stream/index.js';
import { randomImage, randomLayer } from '../../../helpers/random-image.js';
import { tmpDir, useTmpDirs } from '../../../helpers/tmpdir.js';

useTmpDirs();

/** Writes `ext` as the extender does: `<runDir>/<digest>/`, manifest + config + only the blobs of `added`. */
async function sparse(runDir: string, ext: Image, added: number): Promise<void> {
  const digest = await ext.digest();
  const layout = await OciLayout.init(join(runDir, digest));
  const layers = await ext.layers();
  for (const l of layers.slice(layers.length - added)) await layout.writeBlob({ digest: await l.digest(), size: await l.size() }, await collect(await l.compressed()));
  const config = await ext.rawConfig();
  const manifest = await ext.rawManifest();
  await layout.writeBlob({ digest: await ext.imageId(), size: config.byteLength }, config);
  await layout.writeBlob({ digest, size: manifest.byteLength }, manifest);
  await layout.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ mediaType: MediaTypes.ociManifest, digest, size: manifest.byteLength }] });
}

const extend = async (run: Image) =>
  editConfig(appendLayers(run, [{ layer: await randomLayer(64), history: { created_by: 'ext 1', created: '2020-01-01T00:00:00Z' } }, { layer: await randomLayer(64), history: { created_by: 'ext 2' } }]), (c) => {
    c.config = { User: '1001', Env: ['EXT=1'], Labels: { 'io.buildpacks.rebasable': 'false' } };
  });

describe('extended run image (EP-04, EP-12, XT-08 layout)', () => {
  it('EP-04 EP-12 run image layers (the same Layer objects) then the extension layers with their history, under the extended runtime config', async () => {
    const dir = await tmpDir();
    const run = await randomImage({ layers: 2 });
    const ext = await extend(run);
    await sparse(join(dir, 'run'), ext, 2);
    const found = (await openExtendedRun(join(dir, 'run')))!;
    expect(found.dir).toBe(join(dir, 'run', await ext.digest()));
    const base = await extendedBase(run, found, 'reg/run@sha256:x', true);
    const [runLayers, baseLayers] = [await run.layers(), await base.layers()];
    expect(baseLayers.slice(0, 2)).toEqual(runLayers); // never re-read: the run image's own lazy layers
    const cfg = await base.config();
    expect(cfg.rootfs.diff_ids).toEqual((await ext.config()).rootfs.diff_ids);
    expect(cfg.config).toEqual({ User: '1001', Env: ['EXT=1'], Labels: { 'io.buildpacks.rebasable': 'false' } });
    expect(cfg.history?.map((h) => h.created_by)).toEqual(['random layer 0', 'random layer 1', 'ext 1', 'ext 2']);
    expect(cfg.history?.[2]?.created).toBeUndefined(); // the exporter sets created (EP-20)
    for (const l of baseLayers.slice(2)) expect((await collect(await l.compressed())).byteLength).toBe(await l.size()); // from the layout
  });

  it('[REF] FromLayoutPath: missing or empty → undefined; two entries, a file, or a layout with two manifests → ERR_EXPORT; the layout itself is accepted', async () => {
    const dir = await tmpDir();
    expect(await openExtendedRun(join(dir, 'none'))).toBeUndefined();
    await mkdir(join(dir, 'empty'));
    expect(await openExtendedRun(join(dir, 'empty'))).toBeUndefined();
    await mkdir(join(dir, 'two', 'a'), { recursive: true });
    await mkdir(join(dir, 'two', 'b'));
    await expect(openExtendedRun(join(dir, 'two'))).rejects.toMatchObject({ code: 'ERR_EXPORT', message: expect.stringContaining('only 1 item; found 2') });
    await mkdir(join(dir, 'file'));
    await writeFile(join(dir, 'file', 'x'), '');
    await expect(openExtendedRun(join(dir, 'file'))).rejects.toMatchObject({ code: 'ERR_EXPORT' });
    const flat = new LayoutStore(join(dir, 'flat'), { mapping: 'flat' });
    const img = await randomImage({ layers: 1 });
    await flat.write(img, ['x/a:1']);
    expect(await (await openExtendedRun(join(dir, 'flat')))!.image.digest()).toBe(await img.digest());
    await flat.write(await randomImage({ layers: 1 }), ['x/a:2']);
    await expect(openExtendedRun(join(dir, 'flat'))).rejects.toMatchObject({ code: 'ERR_EXPORT', message: expect.stringContaining('exactly one image manifest') });
  });

  it('an extended image not based on the run image, or missing an extension blob, is ERR_EXPORT', async () => {
    const dir = await tmpDir();
    const run = await randomImage({ layers: 1 });
    await sparse(join(dir, 'a'), await extend(await randomImage({ layers: 1 })), 2);
    await expect(extendedBase(run, (await openExtendedRun(join(dir, 'a')))!, 'reg/run', true)).rejects.toMatchObject({ code: 'ERR_EXPORT', message: expect.stringContaining('not based on run image reg/run') });
    await sparse(join(dir, 'b'), await extend(run), 1);
    await expect(extendedBase(run, (await openExtendedRun(join(dir, 'b')))!, 'reg/run', true)).rejects.toMatchObject({ code: 'ERR_EXPORT', message: expect.stringContaining('missing from the layout') });
  });
});
