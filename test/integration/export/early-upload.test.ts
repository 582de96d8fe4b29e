/**
 * Early layer uploads (issue "Performance"): the exporter hands each app layer to the registry store as soon
 * as it is built (prepareLayer) and the write joins those uploads. Against the real docker-registry, behind a
 * counting/fault-injecting proxy (test/helpers/fault-proxy.ts): the pushed image is complete and valid
 * (skopeo, oci-image-tool), every blob went up (or was mounted) exactly once with one HEAD, and an early
 * upload that fails beyond the retry budget fails the export as before (exit 62, error naming registry and
 * blob), leaves no manifest, and is not retried a second time by the write.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import type { ImageStore, Layer } from '../../../src/image/index.js';
import { parseManifest } from '../../../src/oci/index.js';
import { Exporter } from '../../../src/phase/index.js';
import { readToml } from '../../../src/platform/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { makeTempDir, putImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from '../../../spec/harness/index.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { copyAndValidate, inspectRaw } from '../registry/tools.js';
import { exporterFlags, makeExportWorkspace, serviceInputs, standardBuild, writeExportAnalyzed, writeLayer, type ExportWorkspace } from './fixture.js';

let reg: SpecRegistry;
let proxy: FaultProxy;
let runDigest: string;
let ws: ExportWorkspace;
let work: { dir: string; cleanup: () => Promise<void> };

/** A build with the two standard layers plus three launch layers of incompressible bytes. */
async function bigBuild(w: ExportWorkspace): Promise<void> {
  await standardBuild(w);
  for (const n of [1, 2, 3]) {
    const bytes = Buffer.alloc(512 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ (n * 40503)) >>> 0, i);
    await writeLayer(w, 'acme/node', `blob${n}`, { launch: true, files: { 'data.bin': bytes.toString('latin1') } });
  }
}

beforeAll(async () => {
  reg = await startSpecRegistry();
  proxy = await startFaultProxy({ host: '127.0.0.1', port: reg.server.port }, 1000);
  runDigest = (await putImage({ registry: reg }, reg.ref('run/base'), await runImage())).digest;
  ws = await makeExportWorkspace();
  await bigBuild(ws);
  await writeExportAnalyzed(ws, { runRef: `${proxy.host}/run/base@${runDigest}` });
  work = await makeTempDir('early-upload-');
});
afterAll(async () => {
  await proxy?.stop();
  await reg?.stop();
  await ws?.cleanup();
  await work?.cleanup();
});

/** Forwarded (not injected) requests to `repo`, by kind and blob digest. */
function wire(repo: string) {
  const fwd = proxy.log.filter((l) => l.fault === undefined && l.path.startsWith(`/v2/${repo}/`));
  const count = (pred: (l: (typeof fwd)[number]) => string | undefined) => {
    const m = new Map<string, number>();
    for (const l of fwd) {
      const d = pred(l);
      if (d) m.set(d, (m.get(d) ?? 0) + 1);
    }
    return m;
  };
  const q = (p: string) => new URL(p, 'http://x').searchParams;
  return {
    uploads: count((l) => (l.method === 'PUT' && l.path.includes('/blobs/uploads/') ? (q(l.path).get('digest') ?? undefined) : undefined)),
    heads: count((l) => (l.method === 'HEAD' && l.path.includes('/blobs/sha256:') ? l.path.split('/blobs/')[1] : undefined)),
    mounts: count((l) => (l.method === 'POST' && l.status === 201 ? (q(l.path).get('mount') ?? undefined) : undefined)),
    manifestPuts: fwd.filter((l) => l.method === 'PUT' && l.path.includes('/manifests/')).length,
  };
}

let appDigests: string[] = [];

describe('exporter binary with early uploads', () => {
  it('pushes a complete, valid image; each blob is uploaded or mounted exactly once, with one HEAD', async () => {
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), `${proxy.host}/app/early`] });
    expect(r.code, r.stderr).toBe(0);
    const { raw, digest } = inspectRaw(reg.server, `${reg.host}/app/early:latest`);
    const report = (await readToml(ws.reportPath)) as { image: { digest: string } };
    expect(report.image.digest).toBe(digest);
    copyAndValidate(reg.server, `${reg.host}/app/early:latest`, join(work.dir, 'layout'));
    const m = parseManifest(raw);
    const run = parseManifest(inspectRaw(reg.server, `${reg.host}/run/base@${runDigest}`).raw);
    const runLayers = new Set(run.layers.map((l) => l.digest));
    appDigests = m.layers.map((l) => l.digest).filter((d) => !runLayers.has(d));
    expect(appDigests.length).toBeGreaterThanOrEqual(8); // 5 buildpack layers, sbom?, app, launcher, config, process types
    const w = wire('app/early');
    for (const d of [...m.layers.map((l) => l.digest), m.config.digest]) {
      expect((w.uploads.get(d) ?? 0) + (w.mounts.get(d) ?? 0), `${d} uploaded or mounted once`).toBe(1);
      expect(w.heads.get(d), `${d} HEAD once`).toBe(1);
    }
    for (const d of appDigests) expect(w.uploads.get(d), `${d} uploaded`).toBe(1);
    for (const n of w.uploads.values()) expect(n).toBe(1);
    expect(w.manifestPuts).toBe(1);
  });

  it('an early upload failing beyond the retry budget fails the export with exit 62 and leaves no manifest', async () => {
    const bad = appDigests[2] as string;
    proxy.add({ method: 'HEAD', path: new RegExp(`^/v2/app/fail/blobs/${bad}$`), fault: { kind: 'status', status: 500 }, times: 100 });
    const before = proxy.fired();
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), `${proxy.host}/app/fail`] });
    expect(r.code, r.stderr).toBe(62);
    expect(r.stderr).toContain(`ERROR: failed to export: registry ${proxy.host}: check blob ${bad}: HEAD /v2/app/fail/blobs/${bad} returned 500`);
    expect(r.stderr).not.toMatch(/unhandled/i);
    expect(proxy.fired() - before).toBe(5); // the default retry budget, spent once (the write joined the failed upload)
    const w = wire('app/fail');
    expect(w.manifestPuts).toBe(0);
    expect(await reg.store().exists(`${reg.host}/app/fail:latest`)).toBe(false);
    for (const n of w.uploads.values()) expect(n).toBe(1);
    expect(w.uploads.has(bad)).toBe(false);
  });
});

describe('Exporter service wiring', () => {
  it('hands every new app layer to prepareLayer before write, and write adds only the config upload', async () => {
    const w2 = await makeExportWorkspace();
    await bigBuild(w2);
    await writeExportAnalyzed(w2, { runRef: `${reg.host}/run/base@${runDigest}` });
    const counters = new RegistryCounters();
    const store = createRegistryStore({ keychain: multiKeychain(), events: counters.hook });
    const calls: string[] = [];
    const prepared: Layer[] = [];
    const observed: ImageStore = {
      kind: 'registry',
      image: (ref, o) => store.image(ref, o),
      exists: (ref, s) => store.exists(ref, s),
      write: (img, refs, s) => {
        calls.push('write');
        return store.write(img, refs, s);
      },
      prepareLayer: (layer, refs, s) => {
        calls.push('prepare');
        prepared.push(layer);
        store.prepareLayer(layer, refs, s);
      },
    };
    try {
      const artifacts = await makeTempDir('early-artifacts-');
      const res = await new Exporter({ store: observed, artifactsDir: artifacts.dir, logger: memoryLogger() }).export(serviceInputs(w2, [`${reg.host}/app/wired`]));
      await artifacts.cleanup();
      const m = parseManifest(inspectRaw(reg.server, `${reg.host}/app/wired:latest`).raw);
      expect(res.digest).toBe(inspectRaw(reg.server, `${reg.host}/app/wired:latest`).digest);
      const runCount = parseManifest(inspectRaw(reg.server, `${reg.host}/run/base@${runDigest}`).raw).layers.length;
      const appLayers = m.layers.slice(runCount).map((l) => l.digest);
      expect(calls.at(-1)).toBe('write');
      expect(calls.filter((c) => c === 'write')).toHaveLength(1);
      expect((await Promise.all(prepared.map((l) => l.digest()))).sort()).toEqual([...appLayers].sort());
      expect(counters.get('blob-head')).toBe(m.layers.length + 1); // one per blob, as without early uploads
      expect(counters.get('upload')).toBe(appLayers.length + 1); // app layers (early) + the config
      expect(counters.get('mount')).toBe(runCount);
      expect(counters.get('manifest-put')).toBe(1);
    } finally {
      await store.close();
      await w2.cleanup();
    }
  });
});
