import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { putImage, runImage, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { imageMetadata, restorerWorkspace, runRestorer, tomlAt, writeAnalyzedToml, writeGroupToml, type RestorerWorkspace } from '../test/unit/phase/restorer/workspace.js';

let ws: RestorerWorkspace;
let reg: SpecRegistry;
let locked: SpecRegistry;
let runRef: string;
let runDigest: string;
let lockedRef: string;

beforeAll(async () => {
  reg = await startSpecRegistry();
  locked = await startSpecRegistry({ auth: 'htpasswd' });
  runRef = reg.ref('restorer/run', 'latest');
  runDigest = (await putImage({ registry: reg }, runRef, await runImage({ arch: 'arm64', variant: 'v8' }))).digest;
  lockedRef = locked.ref('restorer/run', 'latest');
  await putImage({ registry: locked }, lockedRef, await runImage());
});
afterAll(async () => {
  await reg?.stop();
  await locked?.stop();
});
beforeEach(async () => (ws = await restorerWorkspace()));
afterEach(() => ws.cleanup());

const BP = 'acme/bp';
const digestRef = (ref: string, digest: string) => `${ref.slice(0, ref.lastIndexOf(':'))}@${digest}`;
const analyzedToml = async () => (await tomlAt(ws.analyzed)) as Record<string, Record<string, unknown>>;

describe('restorer: analyzed.toml updates (RS-12..RS-15)', () => {
  for (const api of ['0.10', '0.15']) {
    it(`RS-12 -build-image records the build image's digest reference in [build-image] (Platform ${api})`, async () => {
      const buildRef = reg.ref('restorer/build', 'b');
      const { digest } = await putImage({ registry: reg }, buildRef, await runImage({ marker: 'build' }));
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: runRef, image: runRef } });
      const r = await runRestorer(ws, { platformApi: api, cacheDir: false, args: ['-build-image', buildRef] });
      expect(r.code, r.stderr).toBe(0);
      expect((await analyzedToml())['build-image']).toEqual({ reference: digestRef(buildRef, digest) });
    });
  }

  it('RS-12 a -build-image that does not exist fails the restore (42)', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({}));
    const r = await runRestorer(ws, { cacheDir: false, args: ['-build-image', reg.ref('restorer/none', 'x')] });
    expect(r.code).toBe(42);
  });

  for (const api of ['0.12', '0.15']) {
    it(`RS-13 with extensions in the group, run-image reference and target are filled in (Platform ${api})`, async () => {
      await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: '', image: runRef } });
      const r = await runRestorer(ws, { platformApi: api, cacheDir: false });
      expect(r.code, r.stderr).toBe(0);
      const ri = (await analyzedToml())['run-image'] as Record<string, unknown>;
      expect(ri['reference']).toBe(digestRef(runRef, runDigest));
      expect(ri['image']).toBe(runRef);
      expect(ri['target']).toMatchObject({ os: 'linux', arch: 'arm64', 'arch-variant': 'v8' });
    });
  }

  it('RS-13 ERRATA-25 [REF] without extensions (and extend = false) analyzed.toml is left as it is', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: '', image: runRef } });
    const r = await runRestorer(ws, { cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzedToml())['run-image']).toEqual({ reference: '', image: runRef });
  });

  it('RS-15 (partial) with run-image.extend = true the digest reference and target are recorded', async () => {
    await writeGroupToml(ws, [{ id: BP }]);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: runRef, image: runRef, extend: true, target: { os: 'linux', arch: 'amd64' } } });
    const r = await runRestorer(ws, { platformApi: '0.13', cacheDir: false });
    expect(r.code, r.stderr).toBe(0);
    const ri = (await analyzedToml())['run-image'] as Record<string, unknown>;
    expect(ri['reference']).toBe(digestRef(runRef, runDigest));
    expect(ri['extend']).toBe(true);
    expect(ri['target']).toMatchObject({ arch: 'arm64' });
  });

  describe('RS-14 run image mirrors (-run, ≥0.14)', () => {
    const runToml = async (image: string) => {
      const p = join(ws.dir, 'run.toml');
      await writeFile(p, `[[images]]\nimage = "${image}"\nmirrors = ["${runRef}"]\n`);
      return p;
    };

    it('RS-14 [REF] run-image.image listed in run.toml but not readable fails the restore; no other mirror is tried', async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: lockedRef, image: lockedRef } });
      const r = await runRestorer(ws, { platformApi: '0.14', cacheDir: false, args: ['-run', await runToml(lockedRef)] });
      expect(r.code).toBe(42);
      expect(r.stderr).toContain('failed to find accessible run image');
    });

    it('RS-14 run-image.image listed in run.toml and readable (credentials given) passes', async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: lockedRef, image: lockedRef } });
      const r = await runRestorer(ws, { platformApi: '0.14', cacheDir: false, args: ['-run', await runToml(lockedRef)], env: locked.authEnv() });
      expect(r.code, r.stderr).toBe(0);
    });

    it('RS-14 [REF] a run image not listed in run.toml (switched by an extension) is used as is', async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: lockedRef, image: lockedRef } });
      const r = await runRestorer(ws, { platformApi: '0.14', cacheDir: false, args: ['-run', await runToml(reg.ref('other/run'))] });
      expect(r.code, r.stderr).toBe(0);
    });

    it('RS-14 §9 below 0.14 the run image is not checked', async () => {
      await writeGroupToml(ws, [{ id: BP }]);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: lockedRef, image: lockedRef } });
      const r = await runRestorer(ws, { platformApi: '0.13', cacheDir: false, env: { CNB_RUN_PATH: await runToml(lockedRef) } });
      expect(r.code, r.stderr).toBe(0);
    });
  });
});
