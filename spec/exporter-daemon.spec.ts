import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDaemonStore, type DaemonStore } from '../src/daemon/index.js';
import { appendLayers, editConfig } from '../src/image/index.js';
import { OciLayout } from '../src/layout/index.js';
import { MediaTypes } from '../src/oci/index.js';
import { emptyLifecycleMetadata, Labels, writeAnalyzed } from '../src/platform/index.js';
import { collect } from '../src/stream/index.js';
import { startPodman } from '../test/helpers/podman.js';
import { exporterFlags, makeExportWorkspace, previousOf, writeExportAnalyzed, writeExportGroup, writeExportMetadata, writeLayer, type ExportWorkspace } from '../test/integration/export/fixture.js';
import { fileLayer, makeTempDir, runImage, runPhase } from './harness/index.js';

// -daemon exports against a real Docker Engine API (podman system service, test/helpers/podman.ts).
// EP-29: -launch-cache. A recording proxy in front of podman's socket counts `GET /images/{name}/get` (save)
// requests, so "read from the launch cache, not saved from the daemon" is observed, not assumed.

const started = await startPodman();
const podman = started.service;

/** A unix-socket proxy to podman that counts image save requests in the client → daemon byte stream. */
interface SaveCounter {
  readonly dockerHost: string;
  saves: number;
  close(): Promise<void>;
}

async function saveCounter(target: string, dir: string): Promise<SaveCounter> {
  const path = join(dir, 'proxy.sock');
  const counter: SaveCounter & { server?: Server } = { dockerHost: `unix://${path}`, saves: 0, close: async () => undefined };
  const server = createServer((client) => {
    const upstream = connect(target);
    client.on('data', (d: Buffer) => {
      counter.saves += (d.toString('latin1').match(/^GET \S*\/images\/\S+\/get[ ?]/gm) ?? []).length;
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((r) => server.listen(path, r));
  counter.close = () => new Promise<void>((r) => server.close(() => r()));
  return counter;
}

let store: DaemonStore;
let proxy: SaveCounter;
let proxyDir: { dir: string; cleanup: () => Promise<void> };
let ws: ExportWorkspace;
let runId: string;

beforeAll(async () => {
  if (!podman) return;
  store = createDaemonStore({ dockerHost: podman.dockerHost });
  runId = (await store.write(await runImage({ labels: { [Labels.rebasable]: 'true' } }), ['example.com/daemon-spec/run:latest'])).imageId;
  proxyDir = await makeTempDir('cnb-daemon-proxy-');
  proxy = await saveCounter(podman.socketPath, proxyDir.dir);
});
afterAll(async () => {
  await proxy?.close();
  await proxyDir?.cleanup();
  await store?.close();
  await podman?.stop();
});
beforeEach(async () => {
  ws = await makeExportWorkspace();
  if (proxy) proxy.saves = 0;
});
afterEach(async () => ws?.cleanup());

const sha256File = (p: string) =>
  new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(p).on('data', (d) => h.update(d)).on('end', () => resolve(`sha256:${h.digest('hex')}`)).on('error', reject);
  });

const exportDaemon = (tag: string, extra: string[] = [], api = '0.15') =>
  runPhase('exporter', { platformApi: api, args: [...exporterFlags(ws, ['-daemon', ...extra]), tag], env: { DOCKER_HOST: proxy.dockerHost } });

/** Two buildpacks: `acme/first` changes every build (so layers above it are not the daemon's chain), `acme/second` has a launch layer `tools`. */
async function build(n: number, toolsFromPrevious: boolean): Promise<void> {
  await writeExportGroup(ws, [{ id: 'acme/first' }, { id: 'acme/second' }]);
  await rm(join(ws.layersDir, 'acme_first'), { recursive: true, force: true });
  await rm(join(ws.layersDir, 'acme_second'), { recursive: true, force: true });
  await writeLayer(ws, 'acme/first', 'changing', { launch: true, files: { 'build.txt': `build ${n}\n` } });
  await writeLayer(ws, 'acme/second', 'tools', { launch: true, files: toolsFromPrevious ? null : { 'tool.txt': 'tool\n' } });
  await writeExportMetadata(ws, { buildpacks: [{ id: 'acme/first', version: '1.0.0', api: '0.10' }, { id: 'acme/second', version: '1.0.0', api: '0.10' }] });
}

describe.skipIf(!podman)(`exporter -daemon${started.skip ? ` (skipped: ${started.skip})` : ''}`, () => {
  it('EP-29 -launch-cache: every new layer is written to <launch-cache>/committed/<diffID>.tar; a reused layer is then read from it, never saved from the daemon', async () => {
    const launchCache = join(ws.root, 'launch-cache');
    await mkdir(launchCache);
    await chmod(launchCache, 0o755);

    // first build: everything is new; the launch cache receives every layer of the app image but the run image's
    await build(1, false);
    await writeExportAnalyzed(ws, { runRef: runId });
    const first = await exportDaemon('example.com/daemon-spec/app:one', ['-launch-cache', launchCache]);
    expect(first.code, first.stderr).toBe(0);
    const img1 = (await store.image('example.com/daemon-spec/app:one'))!;
    const ids1 = (await img1.config()).rootfs.diff_ids;
    const runIds = (await (await store.image(runId))!.config()).rootfs.diff_ids;
    const cached = (await readdir(join(launchCache, 'committed'))).filter((f) => f.endsWith('.tar')).sort();
    expect(cached).toEqual(ids1.slice(runIds.length).map((d) => `${d}.tar`).filter((v, i, a) => a.indexOf(v) === i).sort());
    for (const f of cached) expect(await sha256File(join(launchCache, 'committed', f))).toBe(f.slice(0, -'.tar'.length)); // tar = diffID
    expect(proxy.saves).toBe(0);

    // second build: acme/first changed, acme/second:tools is reused from the previous image (EP-05); the daemon
    // needs its bytes (it sits above a new layer), and they come from the launch cache: no save
    await build(2, true);
    await writeExportAnalyzed(ws, { runRef: runId, previous: await previousOf(store, 'example.com/daemon-spec/app:one') });
    proxy.saves = 0;
    const second = await exportDaemon('example.com/daemon-spec/app:two', ['-launch-cache', launchCache]);
    expect(second.code, second.stderr).toBe(0);
    expect(proxy.saves).toBe(0);
    const img2 = (await store.image('example.com/daemon-spec/app:two'))!;
    const toolsSha = JSON.parse((await img1.config()).config!.Labels![Labels.lifecycleMetadata]!).buildpacks[1].layers.tools.sha;
    expect((await img2.config()).rootfs.diff_ids).toContain(toolsSha);

    // control: the same export without -launch-cache has to save the previous image from the daemon
    await build(3, true);
    await writeExportAnalyzed(ws, { runRef: runId, previous: await previousOf(store, 'example.com/daemon-spec/app:two') });
    proxy.saves = 0;
    const third = await exportDaemon('example.com/daemon-spec/app:three');
    expect(third.code, third.stderr).toBe(0);
    expect(proxy.saves).toBeGreaterThan(0);
  });

  it('EP-04 EP-12 EP-19 -daemon with an extended run image: run image layers from the daemon, extension layers from <extended>/run, extended config', async () => {
    await build(1, false);
    const run = (await store.image(runId))!;
    const layer = await fileLayer({ '/opt/ext': 'hi\n' });
    // the extender's output for a run image pulled from a registry: the same diffIDs, the extended config
    const regRun = await runImage({ labels: { [Labels.rebasable]: 'true' } });
    const extended = editConfig(appendLayers(regRun, [{ layer, history: { created_by: 'extension layer' } }]), (c) => {
      c.config = { ...(c.config ?? {}), User: '1001:1001', Labels: { ...(c.config?.Labels ?? {}), [Labels.rebasable]: 'false' } };
    });
    expect((await regRun.config()).rootfs.diff_ids).toEqual((await run.config()).rootfs.diff_ids);
    const digest = await extended.digest();
    const layout = await OciLayout.init(join(ws.layersDir, 'extended', 'run', digest));
    const manifest = await extended.rawManifest();
    const config = await extended.rawConfig();
    await layout.writeBlob({ digest: await layer.digest(), size: await layer.size() }, await collect(await layer.compressed()));
    await layout.writeBlob({ digest: await extended.imageId(), size: config.byteLength }, config);
    await layout.writeBlob({ digest, size: manifest.byteLength }, manifest);
    await layout.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ mediaType: await extended.mediaType(), digest, size: manifest.byteLength }] });
    await writeAnalyzed(ws.analyzedPath, { metadata: emptyLifecycleMetadata(), runImage: { reference: runId.slice(7), extend: true } });
    const r = await exportDaemon('example.com/daemon-spec/app:extended');
    expect(r.code, r.stderr).toBe(0);
    const img = (await store.image('example.com/daemon-spec/app:extended'))!;
    const cfg = await img.config();
    const runIds = (await run.config()).rootfs.diff_ids;
    expect(cfg.rootfs.diff_ids.slice(0, runIds.length + 1)).toEqual([...runIds, await layer.diffId()]);
    expect(cfg.config?.User).toBe('1001:1001');
    expect(cfg.config?.Labels?.[Labels.rebasable]).toBe('false');
    const lc = JSON.parse(cfg.config!.Labels![Labels.lifecycleMetadata]!);
    expect(lc.runImage.topLayer).toBe(runIds.at(-1));
  });
});
