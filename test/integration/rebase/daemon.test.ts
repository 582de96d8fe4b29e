/**
 * The rebaser against a real Docker Engine API (podman system service, test/helpers/podman.ts): the service
 * with a DaemonStore, and the built binary with -daemon (DOCKER_HOST). Reads are inspects plus one save per
 * image (the app image's layers must go into the load); new run image layers go as blank placeholders.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerEngine, DaemonStore, type DockerEngine } from '../../../src/daemon/index.js';
import { Rebaser } from '../../../src/phase/index.js';
import { ApiVersion } from '../../../src/platform/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { runPhase } from '../../../spec/harness/index.js';
import { startPodman } from '../../helpers/podman.js';
import { countingEngine } from '../daemon/counting-engine.js';
import { lifecycleLabel, makeApp, readReportFile, runImagePair, topLayerOf } from './fixtures.js';

const started = await startPodman();
const podman = started.service;
afterAll(async () => {
  await podman?.stop();
});
const title = podman ? 'rebaser against podman (-daemon)' : `rebaser against podman (SKIPPED: ${started.skip})`;

describe.skipIf(!podman)(title, () => {
  let engine: DockerEngine;
  const dirs: string[] = [];
  const stores: DaemonStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await engine?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const newStore = async () => {
    engine ??= createDockerEngine({ host: podman!.dockerHost });
    const counting = countingEngine(engine);
    const dir = await mkdtemp(join(tmpdir(), 'rebase-daemon-'));
    dirs.push(dir);
    const store = new DaemonStore({ engine: counting, tmpDir: dir });
    stores.push(store);
    return { store, counting, dir };
  };

  async function setup(repo: string) {
    const { store } = await newStore();
    const runRef = `cnb-rebase/${repo}-run:latest`;
    const appRef = `cnb-rebase/${repo}-app:latest`;
    const { oldRun, newRun } = await runImagePair();
    await store.write(oldRun, [runRef]);
    const { image, layers } = await makeApp({ base: oldRun, builtWith: '0.15', runImage: { image: runRef }, stack: { image: runRef } });
    await store.write(image, [appRef]);
    await store.write(newRun, [runRef]);
    return { runRef, appRef, newRun, appLayerIds: await Promise.all(layers.map((l) => l.diffId())) };
  }

  it('RB-05/RB-06/FMT-11 service: rebases in the daemon; report has the image ID; run image layers are not sent', async () => {
    const s = await setup('svc');
    const { store, counting } = await newStore();
    const rebaser = new Rebaser({ platformApi: ApiVersion.parse('0.15'), store, logger: memoryLogger() });
    const { report } = await rebaser.rebase(await rebaser.prepare({ images: [s.appRef] }));
    const inspect = await counting.inspectImage(s.appRef);
    expect(report.image.imageId).toBe(inspect?.Id);
    expect(report.image.digest).toBeUndefined();
    const newIds = (await s.newRun.config()).rootfs.diff_ids;
    expect(inspect?.RootFS?.Layers).toEqual([...newIds, ...s.appLayerIds]);
    const md = lifecycleLabel((inspect?.Config?.['Labels'] ?? {}) as Record<string, string>);
    expect(md.runImage['topLayer']).toBe(await topLayerOf(s.newRun));
    expect(md.runImage['reference']).toBe((await s.newRun.imageId()).replace('sha256:', '')); // RB-06: the image ID's hex for a daemon (ERRATA-D3)
    // the app image (its own layers go into the load) and the new run image (src/image reads its manifest):
    // one save each; the run image layers themselves are not sent again
    expect(counting.saves).toBe(2);
    expect(counting.loads).toHaveLength(1);
    expect(counting.loads[0]!.filter((e) => e.name.startsWith('blank_')).map((e) => e.size)).toEqual(newIds.map(() => 0));
  });

  it('RB-01 the built binary with -daemon: tags on different registries are allowed; report.toml has image-id', async () => {
    const s = await setup('bin');
    const layers = await mkdtemp(join(tmpdir(), 'rebase-daemon-layers-'));
    dirs.push(layers);
    const extra = 'other.registry.test/cnb-rebase/bin-app:v2';
    const r = await runPhase('rebaser', { args: ['-daemon', s.appRef, extra], platformApi: '0.15', env: { CNB_LAYERS_DIR: layers, DOCKER_HOST: podman!.dockerHost } });
    expect(r.code, r.stderr).toBe(0);
    const report = await readReportFile(join(layers, 'report.toml'));
    const { counting } = await newStore();
    const inspect = await counting.inspectImage(s.appRef);
    expect(`sha256:${report.image['image-id']}`).toBe(inspect?.Id); // ERRATA-D3
    expect(report.image.tags).toEqual([s.appRef, extra]);
    expect((await counting.inspectImage(extra))?.Id).toBe(inspect?.Id);
    expect(inspect?.RootFS?.Layers?.slice(-s.appLayerIds.length)).toEqual(s.appLayerIds);
  });
});
