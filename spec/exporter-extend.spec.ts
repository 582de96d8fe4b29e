import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendLayers, editConfig, type Image } from '../src/image/index.js';
import { OciLayout } from '../src/layout/index.js';
import { MediaTypes, type Digest } from '../src/oci/index.js';
import { emptyLifecycleMetadata, Labels, writeAnalyzed } from '../src/platform/index.js';
import { collect } from '../src/stream/index.js';
import { fileLayer, putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { exporterFlags, makeExportWorkspace, standardBuild, type ExportWorkspace } from '../test/integration/export/fixture.js';

// EP-04/EP-12/EP-19/LBL-05 with an extended run image as the extender leaves it (XT-08, [REF]): `<extended>/run`
// holds one directory `sha256:<manifest hex>`, a sparse OCI layout with the manifest (run image layers, then the
// extension layers), the extended config, and only the extension layer blobs.

let reg: SpecRegistry;
let ws: ExportWorkspace;
let run: Image;
let runRef: string;
let runDigestRef: string;

beforeAll(async () => {
  reg = await startSpecRegistry();
  runRef = reg.ref('ext/run', 'latest');
  run = await runImage({ labels: { [Labels.rebasable]: 'true' }, env: ['PATH=/usr/bin:/bin', 'RUN=1'] });
  const { digest } = await putImage({ registry: reg }, runRef, run);
  runDigestRef = `${runRef.slice(0, runRef.lastIndexOf(':'))}@${digest}`;
});
afterAll(async () => reg?.stop());
beforeEach(async () => (ws = await makeExportWorkspace()));
afterEach(async () => ws.cleanup());

const EXT_HISTORY = "Layer: 'RUN echo hi > /opt/ext', Created by extension: acme/ext";

/** The extended image (run + one extension layer, extended config) written the way the extender writes it. */
async function writeExtendedRun(opts: { base?: Image; rebasable?: string; extraEntry?: boolean } = {}): Promise<{ digest: Digest; extDiffId: string; extDigest: string }> {
  const layer = await fileLayer({ '/opt/ext': 'hi\n' });
  const extended = editConfig(appendLayers(opts.base ?? run, [{ layer, history: { created_by: EXT_HISTORY } }]), (c) => {
    const cfg = c.config ?? {};
    c.config = { ...cfg, User: '1001:1001', Env: [...(cfg.Env ?? []), 'EXT=1'], Labels: { ...(cfg.Labels ?? {}), [Labels.rebasable]: opts.rebasable ?? 'false', 'ext.label': 'yes' } };
  });
  const manifest = Buffer.from(await extended.rawManifest());
  const config = Buffer.from(await extended.rawConfig());
  const digest = await extended.digest();
  const layout = await OciLayout.init(join(ws.layersDir, 'extended', 'run', digest));
  const extDigest = await layer.digest();
  await layout.writeBlob({ digest: extDigest, size: await layer.size() }, await collect(await layer.compressed()));
  await layout.writeBlob({ digest: await extended.imageId(), size: config.byteLength }, config);
  await layout.writeBlob({ digest, size: manifest.byteLength }, manifest);
  await layout.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ mediaType: await extended.mediaType(), digest, size: manifest.byteLength }] });
  if (opts.extraEntry) await mkdir(join(ws.layersDir, 'extended', 'run', 'other'));
  return { digest, extDiffId: await layer.diffId(), extDigest };
}

const exportTo = (tag: string, api = '0.15', extra: string[] = []) =>
  runPhase('exporter', { platformApi: api, args: [...exporterFlags(ws, extra), tag], env: reg.authEnv() });

async function analyzed(extend: boolean): Promise<void> {
  await writeAnalyzed(ws.analyzedPath, { metadata: emptyLifecycleMetadata(), runImage: { reference: runDigestRef, image: runRef, ...(extend ? { extend: true } : {}) } });
}

describe('exporter on an extended run image (EP-04, EP-12, EP-19, LBL-05)', () => {
  for (const api of ['0.12', '0.15']) {
    it(`EP-04 EP-12 EP-19 ERRATA-07 LBL-05 run image layers, then extension layers, then buildpack layers; extended config; rebasable inherited; topLayer of the original run image (Platform ${api})`, async () => {
      await standardBuild(ws, api);
      const { extDiffId, extDigest } = await writeExtendedRun();
      await analyzed(true);
      const tag = reg.ref('ext/app', api);
      const r = await exportTo(tag, api);
      expect(r.code, r.stderr).toBe(0);
      const img = (await readImage({ registry: reg }, tag))!;
      const runCfg = await run.config();
      const runManifest = await run.manifest();
      const manifest = JSON.parse(Buffer.from(await (await reg.store().image(tag))!.rawManifest()).toString('utf8'));
      // EP-12: run image layers (the very blobs of the run image), then the extension layer, then buildpack layers
      expect(img.diffIds.slice(0, 2)).toEqual([runCfg.rootfs.diff_ids[0], extDiffId]);
      expect(manifest.layers[0].digest).toBe(runManifest.layers[0]!.digest);
      expect(manifest.layers[1].digest).toBe(extDigest);
      expect(await img.layerFiles(1)).toContain('/opt/ext');
      expect(await img.layerFiles(2)).toContain(`${ws.layersDir}/acme_node/deps/file.txt`);
      // the extended config's runtime section is the base: User, Env, Labels (rebasable inherited, ERRATA-07)
      const cfg = img.config.config!;
      expect(cfg.User).toBe('1001:1001');
      expect(cfg.Env).toEqual(expect.arrayContaining(['RUN=1', 'EXT=1', `CNB_LAYERS_DIR=${ws.layersDir}`, 'PATH=/cnb/process:/cnb/lifecycle:/usr/bin:/bin']));
      expect(cfg.WorkingDir).toBe(ws.appDir); // EP-16 still applies
      expect(img.labels[Labels.rebasable]).toBe('false'); // the extended image's value, not the run image's 'true'
      expect(img.labels['ext.label']).toBe('yes');
      // history (≥0.12): one entry per layer, the extension's text kept
      expect(img.config.history).toHaveLength(img.diffIds.length);
      expect(img.config.history![1]!.created_by).toBe(EXT_HISTORY);
      // LBL-05 [REF]: topLayer is the original run image's top layer, below the extension layers
      const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
      expect(lc.runImage.topLayer).toBe(runCfg.rootfs.diff_ids.at(-1));
      expect(lc.runImage.reference).toBe(runDigestRef);
    });
  }

  it('EP-19 ERRATA-07 an extended image labelled rebasable=true gives a rebasable app image', async () => {
    await standardBuild(ws);
    await writeExtendedRun({ rebasable: 'true' });
    await analyzed(true);
    const tag = reg.ref('ext/app', 'rebasable');
    expect((await exportTo(tag)).code).toBe(0);
    expect((await readImage({ registry: reg }, tag))!.labels[Labels.rebasable]).toBe('true');
  });

  it('EP-04 without run-image.extend the <extended>/run layout is ignored: the image is based on the run image', async () => {
    await standardBuild(ws);
    await writeExtendedRun();
    await analyzed(false);
    const tag = reg.ref('ext/app', 'not-extended');
    const r = await exportTo(tag);
    expect(r.code, r.stderr).toBe(0);
    const img = (await readImage({ registry: reg }, tag))!;
    expect(await img.layerFiles(1)).not.toContain('/opt/ext');
    expect(img.labels[Labels.rebasable]).toBe('true');
    expect(img.config.config?.User).toBe('2000:2000');
  });

  it('EP-04 [REF] <extended>/run with more than one entry, or an extended image not based on the run image, fails (62)', async () => {
    await standardBuild(ws);
    await writeExtendedRun({ extraEntry: true });
    await analyzed(true);
    const r1 = await exportTo(reg.ref('ext/app', 'two'));
    expect(r1.code).toBe(62);
    expect(r1.stderr).toContain('to have only 1 item');
    await rm(join(ws.layersDir, 'extended'), { recursive: true, force: true });
    await writeExtendedRun({ base: await runImage({ marker: 'another base' }) });
    const r2 = await exportTo(reg.ref('ext/app', 'mismatch'));
    expect(r2.code).toBe(62);
    expect(r2.stderr).toContain('is not based on run image');
  });

  it('EP-04 an extension layer blob missing from the sparse layout fails (62) naming the layer', async () => {
    await standardBuild(ws);
    const { digest, extDigest } = await writeExtendedRun();
    await rm(join(ws.layersDir, 'extended', 'run', digest, 'blobs', 'sha256', extDigest.slice(7)));
    await analyzed(true);
    const r = await exportTo(reg.ref('ext/app', 'missing'));
    expect(r.code).toBe(62);
    expect(r.stderr).toContain(extDigest);
  });
});
