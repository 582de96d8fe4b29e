/**
 * The rebaser against the real docker-registry: the built binary goes through a counting proxy
 * (test/helpers/fault-proxy.ts, no faults) so every wire request is seen; the service is also run with
 * RegistryStore counters. Results are checked with skopeo and oci-image-tool.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import { Rebaser } from '../../../src/phase/index.js';
import { ApiVersion } from '../../../src/platform/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { fileLayer, putImage, runPhase, type SpecRegistry } from '../../../spec/harness/index.js';
import { startFaultProxy, type FaultProxy, type FaultRecord } from '../../helpers/fault-proxy.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { copyAndValidate, inspectRaw, skopeo } from '../registry/tools.js';
import { makeApp, readReportFile, runImagePair, topLayerOf } from './fixtures.js';
import { randomBytes } from 'node:crypto';

let server: RegistryServer;
let proxy: FaultProxy;
let work: string;
/** A SpecRegistry-like view of the proxy (pushes go through it too; only the rebase is counted). */
let via: SpecRegistry;
beforeAll(async () => {
  server = await startRegistry();
  proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  work = mkdtempSync(join(tmpdir(), 'rebase-it-'));
  const store = createRegistryStore({ keychain: multiKeychain(), insecureRegistries: [proxy.host] });
  via = { host: proxy.host, ref: (repo: string, tag = 'latest') => `${proxy.host}/${repo}:${tag}`, store: () => store } as unknown as SpecRegistry;
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Pushes old run → app with `layerSizes` random app layers → new run (same tag); returns the refs and ids. */
async function setup(repo: string, layerSizes: number[]) {
  const runRef = via.ref(`${repo}/run`);
  const { oldRun, newRun } = await runImagePair();
  await putImage({ registry: via }, runRef, oldRun);
  const layers = await Promise.all(layerSizes.map((size, i) => fileLayer({ [`/workspace/blob-${i}.bin`]: randomBytes(size) })));
  const { image } = await makeApp({ base: oldRun, builtWith: '0.15', layers, runImage: { image: runRef }, stack: { image: runRef } });
  const appRef = via.ref(`${repo}/app`);
  await putImage({ registry: via }, appRef, image);
  await putImage({ registry: via }, runRef, newRun);
  const appManifest = await image.manifest();
  return { appRef, runRef, newRun, app: image, appLayerDigests: appManifest.layers.slice(1).map((l) => l.digest), appLayerIds: await Promise.all(layers.map((l) => l.diffId())) };
}

/** Request kinds of the proxy log: `<METHOD> <manifests|blobs|uploads|ping>`, mount uploads told apart. */
function kinds(log: readonly FaultRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of log) {
    const path = r.path.split('?')[0] ?? '';
    const kind = path === '/v2/' ? 'ping' : path.includes('/manifests/') ? 'manifests' : path.includes('/blobs/uploads') ? (r.path.includes('mount=') ? 'uploads(mount)' : 'uploads') : path.includes('/blobs/') ? 'blobs' : 'other';
    const k = `${r.method} ${kind}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

async function rebaseBinary(appRef: string) {
  const layers = mkdtempSync(join(work, 'layers-'));
  proxy.log.length = 0;
  const r = await runPhase('rebaser', { args: [appRef], platformApi: '0.15', env: { CNB_LAYERS_DIR: layers } });
  expect(r.code, r.stderr).toBe(0);
  return { log: [...proxy.log], report: await readReportFile(join(layers, 'report.toml')) };
}

describe('rebaser against a real registry', () => {
  it('RB-05 moves no layer bytes: no blob GET of a layer, no layer upload (mounts and HEADs only); skopeo and oci-image-tool agree', async () => {
    const s = await setup('small', [2048, 1024]);
    const { log, report } = await rebaseBinary(s.appRef);
    const newManifest = await s.newRun.manifest();
    const layerDigests = new Set([...newManifest.layers.map((l) => l.digest), ...s.appLayerDigests]);
    // nothing downloaded: the only blob GETs are the two configs (app image, new run image)
    const blobGets = log.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.path));
    expect(blobGets.some((r) => [...layerDigests].some((d) => r.path.endsWith(d)))).toBe(false);
    expect(blobGets.length).toBe(2);
    // nothing uploaded but the config: new run layers mounted, app layers HEAD-ed (already there)
    const k = kinds(log);
    expect(k['POST uploads(mount)']).toBe(newManifest.layers.length);
    expect(k['POST uploads'] ?? 0).toBe(1); // the config's upload session
    expect((k['PUT uploads'] ?? 0) + (k['PATCH uploads'] ?? 0)).toBeLessThanOrEqual(2);
    expect(log.filter((r) => r.method === 'PATCH' || r.method === 'PUT').every((r) => !r.path.includes('/blobs/') || r.path.includes('/uploads/'))).toBe(true);
    expect(k['PUT manifests']).toBe(1);

    // skopeo: layers = new base layers + app layers; diff_ids consistent; labels updated
    const direct = s.appRef.replace(proxy.host, server.host);
    const raw = inspectRaw(server, direct);
    expect(raw.digest).toBe(report.image.digest);
    const manifest = JSON.parse(raw.raw.toString()) as { layers: { digest: string }[] };
    expect(manifest.layers.map((l) => l.digest)).toEqual([...newManifest.layers.map((l) => l.digest), ...s.appLayerDigests]);
    const config = JSON.parse(skopeo(['inspect', '--config', ...server.skopeoArgs('inspect'), `docker://${direct}`]).toString()) as {
      rootfs: { diff_ids: string[] };
      created: string;
      config: { Labels: Record<string, string> };
    };
    expect(config.rootfs.diff_ids).toEqual([...(await s.newRun.config()).rootfs.diff_ids, ...s.appLayerIds]);
    expect(config.created).toBe('1980-01-01T00:00:01Z');
    const md = JSON.parse(config.config.Labels['io.buildpacks.lifecycle.metadata'] ?? '{}') as { runImage: { topLayer: string; reference: string } };
    expect(md.runImage.topLayer).toBe(await topLayerOf(s.newRun));
    expect(md.runImage.reference).toBe(`${s.runRef.replace(/:latest$/, '')}@${await s.newRun.digest()}`);
    copyAndValidate(server, direct, join(work, 'oci-small'));
  });

  it('RB-05 a large app image costs the same requests as a small one (counts, not time)', async () => {
    const small = await setup('cmp-small', [1024, 1024, 1024]);
    const large = await setup('cmp-large', [4 << 20, 3 << 20, 2 << 20]);
    const a = await rebaseBinary(small.appRef);
    const b = await rebaseBinary(large.appRef);
    expect(kinds(b.log)).toEqual(kinds(a.log));
    expect(b.log.length).toBe(a.log.length);
  });

  it('RB-05 service level: RegistryStore counters show mounts, skipped blobs and one config upload', async () => {
    const s = await setup('svc', [4096, 4096]);
    const counters = new RegistryCounters();
    const store = createRegistryStore({ keychain: multiKeychain(), insecureRegistries: [proxy.host], events: counters.hook });
    try {
      const rebaser = new Rebaser({ platformApi: ApiVersion.parse('0.15'), store, logger: memoryLogger() });
      const prepared = await rebaser.prepare({ images: [s.appRef] });
      const { report } = await rebaser.rebase(prepared);
      const newLayers = (await s.newRun.manifest()).layers.length;
      expect(counters.get('mount')).toBe(newLayers);
      expect(counters.get('blob-exists')).toBe(s.appLayerDigests.length);
      expect(counters.get('upload')).toBe(1); // the config
      expect(counters.get('blob-get')).toBe(2); // the app's and the new run image's configs: no layer
      expect(counters.get('manifest-put')).toBe(1);
      expect(report.image.digest).toBe(inspectRaw(server, s.appRef.replace(proxy.host, server.host)).digest);
    } finally {
      await store.close();
    }
  });
});
