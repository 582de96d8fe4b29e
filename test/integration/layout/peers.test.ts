import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/archive/index.js';
import { appendLayers, emptyImage, setCreated } from '../../../src/image/index.js';
import { dirLayer, LayerWriter } from '../../../src/layer/index.js';
import { LayoutStore } from '../../../src/layout/index.js';
import { randomLayer } from '../../helpers/random-image.js';
import { tmpDir, useTmpDirs } from '../../helpers/tmpdir.js';
import { expectValidImage } from '../../helpers/validate-image.js';

useTmpDirs();

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** An image with a LayerWriter layer of a buildpack-style tree on top of a random layer, written to `dir:test`. */
async function writeOurImage(root: string) {
  const layerDir = join(root, 'src', 'layers', 'my_bp', 'my_layer');
  mkdirSync(join(layerDir, 'bin'), { recursive: true });
  writeFileSync(join(layerDir, 'bin', 'run'), '#!/bin/sh\necho ok\n', { mode: 0o755 });
  writeFileSync(join(layerDir, 'data.txt'), 'layer data\n');
  linkSync(join(layerDir, 'data.txt'), join(layerDir, 'hard.txt'));
  symlinkSync('bin/run', join(layerDir, 'run-link'));
  const layer = await dirLayer(layerDir, { writer: new LayerWriter({ artifactsDir: join(root, 'artifacts') }), prefix: '/layers/my_bp/my_layer', uid: 1000, gid: 1001 });
  const img = setCreated(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [{ layer: await randomLayer() }, { layer, history: { created_by: 'buildpack my_bp' } }]), new Date(Date.UTC(1980, 0, 1, 0, 0, 1)));
  const dir = join(root, 'oci');
  const store = new LayoutStore(dir, { mapping: 'flat' });
  const result = await store.write(img, ['localhost/app:test']);
  return { dir, store, img, result };
}

describe('OCI layout round trip with the real peers', () => {
  it('oci-image-tool validates an image we wrote', async () => {
    const root = await tmpDir();
    const { dir } = await writeOurImage(root);
    run('oci-image-tool', ['validate', '--type', 'image', dir, '--ref', 'name=test']);
  });

  it('skopeo copies it (oci → oci) and we read skopeo\'s copy back with the same image ID', async () => {
    const root = await tmpDir();
    const { dir, img } = await writeOurImage(root);
    const copy = join(root, 'copy');
    run('skopeo', ['copy', '--quiet', `oci:${dir}:test`, `oci:${copy}:copied`]);
    const back = await new LayoutStore(copy, { mapping: 'flat' }).image('localhost/app:copied');
    expect(back).toBeDefined();
    await expectValidImage(back!);
    expect(await back!.imageId()).toBe(await img.imageId());
    const diffIds = await Promise.all((await back!.layers()).map((l) => l.diffId()));
    expect(diffIds).toEqual((await img.config()).rootfs.diff_ids);
  });

  it('umoci unpacks it: files, modes, owners, hard link and symlink as written', async () => {
    const root = await tmpDir();
    const { dir } = await writeOurImage(root);
    const bundle = join(root, 'bundle');
    run('umoci', ['unpack', ...(process.getuid?.() === 0 ? [] : ['--rootless']), '--image', `${dir}:test`, bundle]);
    const l = join(bundle, 'rootfs', 'layers', 'my_bp', 'my_layer');
    expect(readFileSync(join(l, 'data.txt'), 'utf8')).toBe('layer data\n');
    expect(statSync(join(l, 'bin', 'run')).mode & 0o777).toBe(0o755);
    expect(statSync(join(l, 'hard.txt')).ino).toBe(statSync(join(l, 'data.txt')).ino);
    expect(readlinkSync(join(l, 'run-link'))).toBe('bin/run');
    if (process.getuid?.() === 0) {
      expect([statSync(join(l, 'data.txt')).uid, statSync(join(l, 'data.txt')).gid]).toEqual([1000, 1001]);
    }
  });

  it('reads an image umoci wrote, and extracts its layer safely', async () => {
    const root = await tmpDir();
    const u = join(root, 'umoci');
    const src = join(root, 'insert');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub', 'hello'), 'from umoci');
    run('umoci', ['init', '--layout', u]);
    run('umoci', ['new', '--image', `${u}:base`]);
    run('umoci', ['insert', '--image', `${u}:base`, src, '/opt/app']);
    const img = await new LayoutStore(u, { mapping: 'flat' }).image('localhost/x:base');
    expect(img).toBeDefined();
    await expectValidImage(img!);
    const layers = await img!.layers();
    expect(layers).toHaveLength(1);
    const out = join(root, 'out');
    await extractTar(await layers[0]!.uncompressed(), out, { owner: 'never' });
    expect(readFileSync(join(out, 'opt', 'app', 'sub', 'hello'), 'utf8')).toBe('from umoci');
    expect(lstatSync(join(out, 'opt', 'app')).isDirectory()).toBe(true);
  });

  it('the CNB mapping writes a layout per reference that skopeo reads by tag', async () => {
    const root = await tmpDir();
    const layoutDir = join(root, 'layout-dir');
    const img = appendLayers(emptyImage(), [{ layer: await randomLayer() }]);
    const res = await new LayoutStore(layoutDir).write(img, ['registry.example.com/team/app:v1']);
    const path = join(layoutDir, 'registry.example.com', 'team', 'app', 'v1');
    const raw = run('skopeo', ['inspect', '--raw', `oci:${path}:v1`]);
    expect(raw).toBe(Buffer.from(await img.rawManifest()).toString());
    expect(res.digest).toBe(await img.digest());
  });
});
