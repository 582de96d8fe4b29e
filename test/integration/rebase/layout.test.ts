/** The rebaser on OCI layouts (FMT-25): the result validates with oci-image-tool and app layer blobs are kept. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LayoutStore, layoutPath } from '../../../src/layout/index.js';
import { Rebaser } from '../../../src/phase/index.js';
import { ApiVersion } from '../../../src/platform/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { putImage, readImage } from '../../../spec/harness/index.js';
import { lifecycleLabel, makeApp, runImagePair, topLayerOf } from './fixtures.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('rebaser on OCI layouts', () => {
  it('RB-05/RB-06 rebases in place: app layer blobs are not rewritten; oci-image-tool validates the result', async () => {
    const layoutDir = await mkdtemp(join(tmpdir(), 'rebase-layout-'));
    dirs.push(layoutDir);
    const appRef = 'registry.test/acme/app:latest';
    const runRef = 'registry.test/acme/run:latest';
    const { oldRun, newRun } = await runImagePair();
    await putImage({ layoutDir }, runRef, oldRun);
    const { image, layers } = await makeApp({ base: oldRun, builtWith: '0.15', runImage: { image: runRef } });
    await putImage({ layoutDir }, appRef, image);
    await putImage({ layoutDir }, runRef, newRun);
    const appDir = layoutPath(layoutDir, appRef);
    const appBlobs = (await image.manifest()).layers.slice(1).map((l) => join(appDir, 'blobs', 'sha256', l.digest.slice(7)));
    const before = await Promise.all(appBlobs.map((b) => stat(b)));

    const store = new LayoutStore(layoutDir);
    const rebaser = new Rebaser({ platformApi: ApiVersion.parse('0.15'), store, logger: memoryLogger() });
    const { report } = await rebaser.rebase(await rebaser.prepare({ images: [appRef] }));

    const out = (await readImage({ layoutDir }, appRef))!;
    expect(report.image.digest).toBe(out.digest);
    expect(out.diffIds).toEqual([...(await newRun.config()).rootfs.diff_ids, ...(await Promise.all(layers.map((l) => l.diffId())))]);
    expect(lifecycleLabel(out.labels).runImage['topLayer']).toBe(await topLayerOf(newRun));
    const after = await Promise.all(appBlobs.map((b) => stat(b)));
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
    execFileSync('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=latest', appDir], { stdio: 'pipe' });
  });
});
