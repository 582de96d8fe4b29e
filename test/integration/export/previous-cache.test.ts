/**
 * EP-30 [REF]: below Platform 0.13 the exporter deletes the previous cache image after writing a new one (when
 * their digests differ); from 0.13 it keeps it. A registry that refuses deletes (docker-registry without
 * `storage.delete.enabled`, 405 UNSUPPORTED) only gives a warning. Black box: the built exporter against real
 * docker-registry instances.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { putImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from '../../../spec/harness/index.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed, type ExportWorkspace } from './fixture.js';

let reg: SpecRegistry;
let noDelete: SpecRegistry;
let ws: ExportWorkspace;

/** A registry started with `REGISTRY_STORAGE_DELETE_ENABLED=false` (distribution's env override of the config). */
async function registryWithoutDeletes(): Promise<SpecRegistry> {
  const before = process.env['REGISTRY_STORAGE_DELETE_ENABLED'];
  process.env['REGISTRY_STORAGE_DELETE_ENABLED'] = 'false';
  try {
    return await startSpecRegistry();
  } finally {
    if (before === undefined) delete process.env['REGISTRY_STORAGE_DELETE_ENABLED'];
    else process.env['REGISTRY_STORAGE_DELETE_ENABLED'] = before;
  }
}

beforeAll(async () => {
  reg = await startSpecRegistry();
  noDelete = await registryWithoutDeletes();
});
afterAll(async () => {
  await reg?.stop();
  await noDelete?.stop();
});
beforeEach(async () => (ws = await makeExportWorkspace()));
afterEach(async () => ws?.cleanup());

/** Exports twice with `-cache-image`, changing the cache layer in between; returns both cache digests. */
async function twoExports(r: SpecRegistry, api: string, change = true): Promise<{ first: string; second: string; cacheRef: string; stderr: string }> {
  const runRef = r.ref('ep30/run');
  const { digest } = await putImage({ registry: r }, runRef, await runImage());
  await standardBuild(ws, api);
  await writeExportAnalyzed(ws, { runRef: `${runRef.slice(0, runRef.lastIndexOf(':'))}@${digest}` });
  const cacheRef = r.ref(`ep30/cache-${api}`, change ? 'changed' : 'same');
  const run = async (tag: string) => {
    const res = await runPhase('exporter', { platformApi: api, args: [...exporterFlags(ws, ['-cache-image', cacheRef]), tag] });
    expect(res.code, res.stderr).toBe(0);
    const img = await r.store().image(cacheRef);
    return { digest: (await img!.digest()) as string, out: res.stdout + res.stderr };
  };
  const first = await run(r.ref('ep30/app', 'one'));
  if (change) await writeFile(join(ws.layersDir, 'acme_node', 'deps', 'file.txt'), 'changed\n');
  const second = await run(r.ref('ep30/app', 'two'));
  return { first: first.digest, second: second.digest, cacheRef, stderr: second.out };
}

const digestRef = (ref: string, digest: string) => `${ref.slice(0, ref.lastIndexOf(':'))}@${digest}`;

describe('EP-30 the previous cache image', () => {
  for (const api of ['0.7', '0.12']) {
    it(`EP-30 Platform ${api} (<0.13): the previous cache image is deleted (manifest by digest) once a different one was written`, async () => {
      const { first, second, cacheRef } = await twoExports(reg, api);
      expect(second).not.toBe(first);
      const store = reg.store();
      expect(await store.exists(digestRef(cacheRef, first))).toBe(false);
      expect(await store.exists(digestRef(cacheRef, second))).toBe(true);
      expect(await store.exists(cacheRef)).toBe(true);
    });
  }

  it('EP-30 Platform 0.13: the previous cache image is kept', async () => {
    const { first, second, cacheRef } = await twoExports(reg, '0.13');
    expect(second).not.toBe(first);
    expect(await reg.store().exists(digestRef(cacheRef, first))).toBe(true);
  });

  it('EP-30 an unchanged cache image (same digest) is not deleted', async () => {
    const { first, second, cacheRef } = await twoExports(reg, '0.12', false);
    expect(second).toBe(first);
    expect(await reg.store().exists(digestRef(cacheRef, first))).toBe(true);
  });

  it('EP-30 a registry without deletes (405 UNSUPPORTED) only gives a warning; the export succeeds', async () => {
    const { first, second, cacheRef, stderr } = await twoExports(noDelete, '0.12');
    expect(second).not.toBe(first);
    expect(stderr).toMatch(/Unable to delete cache image: .*405 UNSUPPORTED/);
    expect(await noDelete.store().exists(digestRef(cacheRef, first))).toBe(true);
  });
});
