/** Exporter (§3.7, §7): which layers the image gets, in which order, with which contents and owners. */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTar } from '../src/archive/index.js';
import { LayoutStore } from '../src/layout/index.js';
import { Labels } from '../src/platform/index.js';
import { appendLayers, editConfig } from '../src/image/index.js';
import { emptyLifecycleMetadata, writeAnalyzed } from '../src/platform/index.js';
import { fileLayer, layoutDirOf, putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import {
  exporterFlags,
  makeExportWorkspace,
  previousOf,
  standardBuild,
  writeExportAnalyzed,
  writeExportMetadata,
  writeLayer,
  type ExportWorkspace,
} from '../test/integration/export/fixture.js';

let reg: SpecRegistry;
let runRef: string;
let ws: ExportWorkspace;
beforeAll(async () => {
  reg = await startSpecRegistry();
  runRef = `${reg.host}/run/base@${(await putImage({ registry: reg }, reg.ref('run/base'), await runImage())).digest}`;
});
afterAll(() => reg.stop());
beforeEach(async () => {
  ws = await makeExportWorkspace();
});
afterEach(() => ws.cleanup());

async function run(tag: string, extra: string[] = [], env: Record<string, string> = {}) {
  return runPhase('exporter', { args: [...exporterFlags(ws, extra), tag], env });
}

/** Tar headers of layer `i` of `ref`. */
async function headers(ref: string, i: number) {
  const img = await new (await import('../src/registry/index.js')).RegistryStore({ transport: (await import('../src/http/index.js')).registryTransport({ keychain: { resolve: async () => ({ authorization: async () => ({}) }) }, insecureRegistries: [] }) }).image(ref);
  const layer = (await img!.layers())[i]!;
  const out: { name: string; mode: number; uid: number; gid: number; type: string; linkname?: string | null }[] = [];
  for await (const e of readTar(await layer.uncompressed())) {
    out.push({ name: e.header.name, mode: e.header.mode ?? 0, uid: e.header.uid ?? 0, gid: e.header.gid ?? 0, type: String(e.header.type), linkname: e.header.linkname ?? null });
    for await (const _ of e.body) void _;
  }
  return out;
}

describe('exporter layers', () => {
  it('EP-12 LY-23 LY-24 EP-05 EP-08 EP-09 EP-10 EP-11 LBL-01 LBL-02 LBL-03 layer order: run, buildpack (group, name), sbom, app, launcher, config, process types; label shas are their diffIDs', async () => {
    await writeExportMetadata(ws, { buildpacks: [{ id: 'b/one', version: '1.0.0', api: '0.10' }, { id: 'a/two', version: '1.0.0', api: '0.10' }] });
    const { writeExportGroup } = await import('../test/integration/export/fixture.js');
    await writeExportGroup(ws, [{ id: 'b/one' }, { id: 'a/two' }]);
    await writeLayer(ws, 'b/one', 'zeta', { launch: true });
    await writeLayer(ws, 'b/one', 'alpha', { launch: true });
    await writeLayer(ws, 'a/two', 'mid', { launch: true });
    await mkdir(join(ws.layersDir, 'sbom', 'launch', 'b_one'), { recursive: true });
    await writeFile(join(ws.layersDir, 'sbom', 'launch', 'b_one', 'sbom.cdx.json'), '{}');
    await writeExportAnalyzed(ws, { runRef });
    const r = await run(reg.ref('app/order'));
    expect(r.code, r.stderr).toBe(0);
    const img = (await readImage({ registry: reg }, reg.ref('app/order')))!;
    expect(img.diffIds).toHaveLength(9);
    const files = await Promise.all(img.diffIds.map((_, i) => img.layerFiles(i)));
    expect(files[1]).toContain(`${ws.layersDir}/b_one/alpha/file.txt`);
    expect(files[2]).toContain(`${ws.layersDir}/b_one/zeta/file.txt`);
    expect(files[3]).toContain(`${ws.layersDir}/a_two/mid/file.txt`);
    expect(files[4]).toContain(`${ws.layersDir}/sbom/launch/b_one/sbom.cdx.json`);
    expect(files[5]).toContain(`${ws.appDir}/index.js`);
    expect(files[6]).toEqual(['/cnb', '/cnb/lifecycle', '/cnb/lifecycle/launcher']);
    expect(files[7]).toEqual(expect.arrayContaining([`${ws.layersDir}/config/metadata.toml`, `${ws.layersDir}/config/launch.desc`]));
    expect(files[8]).toEqual(['/cnb', '/cnb/process', '/cnb/process/web', '/cnb/process/worker']);
    const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
    expect(lc.sbom.sha).toBe(img.diffIds[4]); // LBL-02
    expect(lc.app).toEqual([{ sha: img.diffIds[5] }]); // LBL-01
    expect(lc.launcher.sha).toBe(img.diffIds[6]); // LBL-03
    expect(lc.config.sha).toBe(img.diffIds[7]);
    expect(lc['process-types'].sha).toBe(img.diffIds[8]);
    expect(lc.buildpacks.map((b: { key: string }) => b.key)).toEqual(['b/one', 'a/two']); // LBL-04
    expect(lc.buildpacks[0].layers.alpha.sha).toBe(img.diffIds[1]);
  });

  it('EP-09 LY-29 EP-21 launcher and symlinks are root-owned 0755; layer contents get -uid/-gid; mtimes constant', async () => {
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef });
    const r = await run(reg.ref('app/owners'), ['-uid', '1234', '-gid', '5678']);
    expect(r.code, r.stderr).toBe(0);
    const launcher = await headers(reg.ref('app/owners'), 4);
    expect(launcher.map((h) => [h.name.replace(/\/$/, ''), h.mode, h.uid, h.gid])).toEqual([
      ['cnb', 0o755, 0, 0],
      ['cnb/lifecycle', 0o755, 0, 0],
      ['cnb/lifecycle/launcher', 0o755, 0, 0],
    ].map(([n, ...rest]) => [`/${n}`, ...rest]));
    const procs = await headers(reg.ref('app/owners'), 6);
    expect(procs.find((h) => h.name === '/cnb/process/web')).toMatchObject({ type: 'symlink', linkname: '/cnb/lifecycle/launcher', uid: 0 });
    const deps = await headers(reg.ref('app/owners'), 1);
    const inLayer = deps.filter((h) => h.name.startsWith(`${ws.layersDir}/acme_node/deps`));
    expect(inLayer.length).toBeGreaterThan(1);
    for (const h of inLayer) expect([h.uid, h.gid]).toEqual([1234, 5678]);
    const parent = deps.find((h) => h.name === ws.root)!;
    expect([parent.uid, parent.mode]).toEqual([0, 0o755]); // parents keep their on-disk owner and mode
    expect(deps.find((h) => h.name === ws.layersDir)!.uid).toBe(1234); // GEN-12: <layers> was chowned
  });

  it('EP-05 LY-07 EP-13 launch=true without a directory reuses the previous layer by diffID; EP-07 a dropped layer goes', async () => {
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/reuse'))).code).toBe(0);
    const first = (await readImage({ registry: reg }, reg.ref('app/reuse')))!;
    const prev = await previousOf(reg.store(), `${reg.host}/app/reuse@${first.digest}`);
    await rm(join(ws.layersDir, 'acme_node', 'tools'), { recursive: true });
    await rm(join(ws.layersDir, 'acme_node', 'deps.toml'));
    await rm(join(ws.layersDir, 'acme_node', 'deps'), { recursive: true });
    await writeLayer(ws, 'acme/node', 'cacheonly', { cache: true });
    await writeExportAnalyzed(ws, { runRef, previous: prev });
    const r = await run(reg.ref('app/reuse'));
    expect(r.code, r.stderr).toBe(0);
    const second = (await readImage({ registry: reg }, reg.ref('app/reuse')))!;
    expect(second.diffIds).toContain(first.diffIds[2]); // tools, reused
    expect(second.diffIds).not.toContain(first.diffIds[1]); // deps dropped (EP-07)
    expect(second.diffIds).toHaveLength(first.diffIds.length - 1);
    const layers = JSON.parse(second.labels[Labels.lifecycleMetadata]!).buildpacks[0].layers;
    expect(Object.keys(layers)).toEqual(['tools']);
  });

  it('EP-05 fails (62) when the previous image lacks the reused layer; EP-06 launch+cache without a directory fails (62)', async () => {
    await standardBuild(ws);
    await rm(join(ws.layersDir, 'acme_node', 'tools'), { recursive: true });
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/noreuse'))).code).toBe(62);
    await writeLayer(ws, 'acme/node', 'tools', { launch: true });
    await rm(join(ws.layersDir, 'acme_node', 'deps'), { recursive: true });
    const r = await run(reg.ref('app/noreuse'));
    expect(r.code).toBe(62);
    expect(r.stderr).toMatch(/cache=true but has no contents/);
  });

  it('EP-06 an unparsable <layer>.toml fails with 62', async () => {
    await standardBuild(ws);
    await writeFile(join(ws.layersDir, 'acme_node', 'deps.toml'), 'this is = = not toml');
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/badtoml'))).code).toBe(62);
  });

  it('EP-08 LY-21 LY-22 app slices: one layer per slice in order, then the rest; an empty slice still gives a layer', async () => {
    await standardBuild(ws);
    await writeExportMetadata(ws, { slices: [{ paths: ['static'] }, { paths: ['nothing-*'] }, { paths: ['*.js'] }] });
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/slices'))).code).toBe(0);
    const img = (await readImage({ registry: reg }, reg.ref('app/slices')))!;
    const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
    expect(lc.app).toHaveLength(4);
    const first = img.diffIds.indexOf(lc.app[0].sha);
    const [s1, s2, s3, rest] = await Promise.all([0, 1, 2, 3].map((k) => img.layerFiles(first + k)));
    expect(s1).toContain(`${ws.appDir}/static/style.css`);
    expect(s1).not.toContain(`${ws.appDir}/index.js`);
    expect(s2!.filter((f) => f.startsWith(ws.appDir + '/'))).toEqual([]);
    expect(s3).toContain(`${ws.appDir}/index.js`);
    expect(rest!.filter((f) => f.startsWith(ws.appDir + '/'))).toEqual([]);
    expect(rest).toContain(ws.appDir);
  });

  it('EP-28 store.toml goes into the lifecycle label as buildpacks[].store', async () => {
    await standardBuild(ws);
    await writeFile(join(ws.layersDir, 'acme_node', 'store.toml'), '[metadata]\nruns = 3\n');
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/store'))).code).toBe(0);
    const lc = JSON.parse((await readImage({ registry: reg }, reg.ref('app/store')))!.labels[Labels.lifecycleMetadata]!);
    expect(lc.buildpacks[0].store).toEqual({ metadata: { runs: 3 } });
  });

  it('EP-11 EP-24 ERRATA-26 copies the lifecycle and launcher SBOMs from -launcher-sbom', async () => {
    await standardBuild(ws);
    const sbomDir = join(ws.root, 'lifecycle-sbom');
    await mkdir(sbomDir);
    await writeFile(join(sbomDir, 'lifecycle.sbom.cdx.json'), '{"lifecycle":1}');
    await writeFile(join(sbomDir, 'launcher.sbom.spdx.json'), '{"launcher":1}');
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/sbom'), ['-launcher-sbom', sbomDir])).code).toBe(0);
    expect(await readFile(join(ws.layersDir, 'sbom', 'build', 'buildpacksio_lifecycle', 'sbom.cdx.json'), 'utf8')).toBe('{"lifecycle":1}');
    const img = (await readImage({ registry: reg }, reg.ref('app/sbom')))!;
    const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
    const files = await img.layerFiles(img.diffIds.indexOf(lc.sbom.sha));
    expect(files).toContain(`${ws.layersDir}/sbom/launch/buildpacksio_lifecycle/launcher/sbom.spdx.json`);
    expect(files.some((f) => f.includes('sbom/build'))).toBe(false);
  });

  it('EP-21 LY-25 LY-26 the same inputs with different mtimes give the same image digest', async () => {
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef });
    expect((await run(reg.ref('app/repro'))).code).toBe(0);
    const a = (await readImage({ registry: reg }, reg.ref('app/repro')))!.digest;
    execFileSync('touch', ['-d', '2001-02-03 04:05:06', join(ws.appDir, 'index.js'), join(ws.layersDir, 'acme_node', 'deps', 'file.txt')]);
    expect((await run(reg.ref('app/repro2'))).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/repro2')))!.digest).toBe(a);
  });

  it('EP-04 EP-19 ERRATA-07 LBL-05 the image is based on <extended>/run when run-image.extend; topLayer stays the original top', async () => {
    await standardBuild(ws);
    const ext = editConfig(appendLayers(await runImage(), [{ layer: await fileLayer({ '/ext-marker': 'x' }) }]), (c) => {
      c.config = { ...(c.config ?? {}), Labels: { ...(c.config?.Labels ?? {}), [Labels.rebasable]: 'true' } };
    });
    await new LayoutStore(join(ws.layersDir, 'extended', 'run'), { mapping: 'flat' }).write(ext, ['example.com/extended:latest']);
    await writeAnalyzed(ws.analyzedPath, { metadata: emptyLifecycleMetadata(), runImage: { reference: runRef, extend: true } });
    const r = await run(reg.ref('app/extended'));
    expect(r.code, r.stderr).toBe(0);
    const img = (await readImage({ registry: reg }, reg.ref('app/extended')))!;
    const files = await img.layerFiles(1);
    expect(files).toContain('/ext-marker');
    const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
    expect(lc.runImage.topLayer).toBe(img.diffIds[0]);
    expect(img.labels[Labels.rebasable]).toBe('true');
    expect(await img.layerFiles(2)).toContain(`${ws.layersDir}/acme_node/deps/file.txt`); // EP-12: extension layers below buildpack layers
  });

  it('EP-27 FMT-25 GEN-10 -layout writes an OCI layout at the FMT-25 path that oci-image-tool validates', async () => {
    await standardBuild(ws);
    const layoutRun = 'example.com/run/base:latest';
    const store = new LayoutStore(ws.layoutDir);
    const rr = await store.write(await runImage(), [layoutRun]);
    await writeExportAnalyzed(ws, { runRef: `${layoutDirOf(ws.layoutDir, layoutRun)}@${rr.digest}` });
    const tag = 'example.com/app/one:v1';
    const off = await run(tag, ['-layout', '-layout-dir', ws.layoutDir]);
    expect(off.code).not.toBe(0); // GEN-10: experimental, CNB_EXPERIMENTAL_MODE defaults to error
    const r = await run(tag, ['-layout', '-layout-dir', ws.layoutDir], { CNB_EXPERIMENTAL_MODE: 'warn' });
    expect(r.code, r.stderr).toBe(0);
    const dir = layoutDirOf(ws.layoutDir, tag);
    execFileSync('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=v1', dir], { stdio: 'pipe' });
    const img = (await readImage({ layoutDir: ws.layoutDir }, tag))!;
    expect(img.diffIds[0]).toBe(JSON.parse(img.labels[Labels.lifecycleMetadata]!).runImage.topLayer);
    const report = await readFile(ws.reportPath, 'utf8');
    expect(report).toContain(img.digest);
  });
});
void Readable;
