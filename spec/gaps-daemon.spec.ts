/**
 * LY-27 [MAY]: a -daemon export followed by a push (skopeo from the Docker Engine API of a real podman service
 * to the spec registry) versus a direct registry export of the same build. The layers (diffIDs), config and
 * labels are the same; the manifest digest may differ because the pushing tool compresses the layers itself
 * (ERRATA-D-LY27).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDaemonStore, type DaemonStore } from '../src/daemon/index.js';
import { Labels } from '../src/platform/index.js';
import { startPodman } from '../test/helpers/podman.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed, type ExportWorkspace } from '../test/integration/export/fixture.js';
import { putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';

const started = await startPodman();
const podman = started.service;
const hasSkopeo = (() => {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

let reg: SpecRegistry;
let daemon: DaemonStore;
let registryRun: string;
let daemonRun: string;
let ws: ExportWorkspace;
beforeAll(async () => {
  reg = await startSpecRegistry();
  registryRun = `${reg.host}/run/base@${(await putImage({ registry: reg }, reg.ref('run/base'), await runImage())).digest}`;
  if (!podman) return;
  daemon = createDaemonStore({ dockerHost: podman.dockerHost });
  daemonRun = (await daemon.write(await runImage(), ['example.com/ly27/run:latest'])).imageId;
});
afterAll(async () => {
  await daemon?.close();
  await podman?.stop();
  await reg?.stop();
});
beforeEach(async () => {
  ws = await makeExportWorkspace();
  await standardBuild(ws);
});
afterEach(() => ws.cleanup());

describe.skipIf(!podman || !hasSkopeo)(`LY-27 daemon export, then push${started.skip ? ` (skipped: ${started.skip})` : ''}`, () => {
  it('LY-27 the pushed daemon image has the diffIDs, config and labels of a direct registry export; only the digest may differ', async () => {
    await writeExportAnalyzed(ws, { runRef: registryRun });
    const direct = reg.ref('app/ly27', 'direct');
    const a = await runPhase('exporter', { args: [...exporterFlags(ws), direct] });
    expect(a.code, a.stderr).toBe(0);

    await writeExportAnalyzed(ws, { runRef: daemonRun });
    const local = 'example.com/ly27/app:latest';
    const b = await runPhase('exporter', { args: [...exporterFlags(ws, ['-daemon']), local], env: { DOCKER_HOST: podman!.dockerHost } });
    expect(b.code, b.stderr).toBe(0);
    const pushed = reg.ref('app/ly27', 'pushed');
    execFileSync('skopeo', ['copy', '--src-daemon-host', podman!.dockerHost, ...reg.server.skopeoArgs('dest'), `docker-daemon:${local}`, `docker://${pushed}`], { stdio: 'pipe' });

    const x = (await readImage({ registry: reg }, direct))!;
    const y = (await readImage({ registry: reg }, pushed))!;
    expect(y.diffIds).toEqual(x.diffIds);
    // The run image reference names the base where it was found: an image ID in the daemon, a digest ref in the registry.
    const lifecycle = (s: typeof x) => ({ ...JSON.parse(s.labels[Labels.lifecycleMetadata]!), runImage: { ...JSON.parse(s.labels[Labels.lifecycleMetadata]!).runImage, reference: undefined } });
    expect(lifecycle(y)).toEqual(lifecycle(x));
    for (const k of [Labels.buildMetadata, Labels.projectMetadata]) expect(JSON.parse(y.labels[k]!), k).toEqual(JSON.parse(x.labels[k]!));
    const cfg = (s: typeof x) => ({ ...s.config.config, Labels: undefined });
    expect(cfg(y)).toEqual(cfg(x));
    expect([y.config.os, y.config.architecture, y.config.created]).toEqual([x.config.os, x.config.architecture, x.config.created]);
  });
});
