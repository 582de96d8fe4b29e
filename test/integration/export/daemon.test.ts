/** EP-23 daemon export: the exporter binary loads the image into a real Docker API (podman) and reports its ID. */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createDaemonStore } from '../../../src/daemon/index.js';
import { Labels, parseToml } from '../../../src/platform/index.js';
import { runImage, runPhase } from '../../../spec/harness/index.js';
import { startPodman } from '../../helpers/podman.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed } from './fixture.js';

const started = await startPodman();
const podman = started.service;
afterAll(async () => {
  await podman?.stop();
});

describe.skipIf(!podman)(`daemon export${started.skip ? ` (skipped: ${started.skip})` : ''}`, () => {
  it('EP-23 FMT-11 -daemon loads the image and report.toml has image-id only', async () => {
    const store = createDaemonStore({ dockerHost: podman!.dockerHost });
    const run = await store.write(await runImage(), ['example.com/run/base:latest']);
    const ws = await makeExportWorkspace();
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef: run.imageId });
    const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-daemon']), 'example.com/app/daemon:latest'], env: { DOCKER_HOST: podman!.dockerHost } });
    expect(r.code, r.stderr).toBe(0);
    const report = parseToml(await readFile(ws.reportPath, 'utf8'), ws.reportPath) as unknown as { image: Record<string, unknown> };
    expect(report.image['image-id']).toMatch(/^[a-f0-9]{64}$/); // [REF] the ID's hex, no sha256: (ERRATA-D3)
    expect(report.image['digest']).toBeUndefined();
    const img = await store.image('example.com/app/daemon:latest');
    expect(await img!.imageId()).toBe(`sha256:${report.image['image-id']}`);
    expect((await img!.config()).config?.Labels?.[Labels.lifecycleMetadata]).toBeDefined();
    await store.close();
    await ws.cleanup();
  });
});
