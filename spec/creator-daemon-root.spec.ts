/**
 * creator `-daemon` started as root (GEN-12, CR-01): the daemon socket is reachable by root only (pack mounts
 * /var/run/docker.sock root:docker 0660 into a container running as root, the CNB user not in that group).
 * The creator must open its daemon connections before dropping to -uid/-gid and use them afterwards.
 * Runs against a real podman Docker Engine API service whose socket sits in a 0700 root directory.
 */
import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDaemonStore, type DaemonStore } from '../src/daemon/index.js';
import { startPodman } from '../test/helpers/podman.js';
import { chownR, isRoot, LIFECYCLE_DIR, makeWorkspace, runImage, runPhase, TEST_GID, TEST_UID, writeBuildpack, writeOrder, writePlan, type FixtureBuildpack, type Workspace } from './harness/index.js';

const started = isRoot ? await startPodman() : { skip: 'not root' as const };
const podman = started.service;

const RUN_REF = 'example.com/cr-root/run:latest';
const APP_REF = 'example.com/cr-root/app:latest';

const launching: FixtureBuildpack = {
  id: 'spec/launch',
  api: '0.9',
  detect: writePlan('[[provides]]\nname = "x"\n[[requires]]\nname = "x"'),
  build: 'L="$CNB_LAYERS_DIR"; mkdir -p "$L/l"; printf "[types]\\nlaunch = true\\n" > "$L/l.toml"; id -u > "$L/l/uid"',
};

let daemon: DaemonStore | undefined;
let ws: Workspace | undefined;
beforeAll(async () => {
  if (!podman) return;
  await chmod(dirname(podman.socketPath), 0o700); // root only: the test user cannot reach the socket
  await chmod(podman.socketPath, 0o600);
  daemon = createDaemonStore({ dockerHost: podman.dockerHost });
  await daemon.write(await runImage(), [RUN_REF]);
});
afterAll(async () => {
  await daemon?.close();
  await podman?.stop();
});
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe.skipIf(!podman)(`creator -daemon as root with a root-only socket${started.skip ? ` (skipped: ${started.skip})` : ''}`, () => {
  it('CR-01 GEN-12 dials the daemon socket before the privilege drop: the build succeeds and the image is in the daemon', async () => {
    ws = await makeWorkspace('cnb-creator-root-');
    await writeBuildpack(ws.buildpacks, launching);
    const orderPath = join(ws.root, 'order.toml');
    await writeOrder(orderPath, [[{ id: launching.id, version: '0.0.1' }]]);
    await chownR(ws.root, 0, 0);
    await chmod(ws.root, 0o755);
    await chownR(ws.app, TEST_UID, TEST_GID);
    const create = () =>
      runPhase('creator', {
        env: { DOCKER_HOST: podman!.dockerHost, CNB_USER_ID: String(TEST_UID), CNB_GROUP_ID: String(TEST_GID) },
        args: ['-daemon', '-run-image', RUN_REF, '-order', orderPath, '-launcher', join(LIFECYCLE_DIR, 'launcher'), '-launcher-sbom', LIFECYCLE_DIR, ...ws!.dirArgs, APP_REF],
        timeoutMs: 180_000,
      });
    const r = await create();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await readFile(join(ws.layers, 'spec_launch', 'l', 'uid'), 'utf8')).trim()).toBe(String(TEST_UID));
    const report = await readFile(join(ws.layers, 'report.toml'), 'utf8');
    expect(report).toContain(APP_REF);
    expect((await stat(join(ws.layers, 'report.toml'))).uid).toBe(TEST_UID);
    const img = await daemon!.image(APP_REF);
    expect(img).toBeDefined();
    const id = await img!.imageId();
    expect(report).toContain(`image-id = "${id.replace(/^sha256:/, '')}"`); // FMT-REPORT: the hex image ID

    // A rebuild on a fresh <layers>: the previous image is analyzed and its layers reused, so the daemon
    // store saves images and loads one over several connections, all opened before the drop.
    await rm(ws.layers, { recursive: true, force: true });
    await mkdir(ws.layers);
    const again = await create();
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(await readFile(join(ws.layers, 'report.toml'), 'utf8')).toContain(APP_REF);
  }, 240_000);
});
