import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LayoutStore } from '../src/layout/index.js';
import { layoutDirOf, putImage, runImage, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { imageMetadata, restorerWorkspace, runRestorer, tomlAt, writeAnalyzedToml, writeGroupToml, type RestorerWorkspace } from '../test/unit/phase/restorer/workspace.js';

// RS-12/RS-13/RS-15: what the restorer prepares for the extender. <kaniko-dir> is /kaniko; CNB_KANIKO_DIR
// points it at a temp dir (tests only, as for the extender).

let ws: RestorerWorkspace;
let reg: SpecRegistry;
let kaniko: string;
let runRef: string;
let runDigest: string;
let runBytes: { manifest: Buffer; config: Buffer };

beforeAll(async () => {
  reg = await startSpecRegistry();
  runRef = reg.ref('extend/run', 'latest');
  const img = await runImage({ arch: 'arm64', variant: 'v8', marker: 'extend-run' });
  runDigest = (await putImage({ registry: reg }, runRef, img)).digest;
  runBytes = { manifest: Buffer.from(await img.rawManifest()), config: Buffer.from(await img.rawConfig()) };
});
afterAll(async () => reg?.stop());
beforeEach(async () => {
  ws = await restorerWorkspace();
  kaniko = join(ws.dir, 'kaniko');
  await mkdir(kaniko);
  await chmod(kaniko, 0o755);
});
afterEach(() => ws.cleanup());

const BP = 'acme/bp';
const digestRef = (ref: string, digest: string) => `${ref.slice(0, ref.lastIndexOf(':'))}@${digest}`;
const analyzedToml = async () => (await tomlAt(ws.analyzed)) as Record<string, Record<string, any>>;
const exists = (p: string) => stat(p).then(() => true, () => false);
const blob = (dir: string, digest: string) => join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** Checks the sparse layout at <kaniko>/cache/base/<digest>: oci-layout, one manifest, manifest + config blobs only. */
async function expectSparseLayout(digest: string, want?: { manifest: Buffer; config: Buffer }): Promise<void> {
  const base = join(kaniko, 'cache', 'base');
  expect(await readdir(base)).toEqual([digest]); // the directory name includes `sha256:` ([REF])
  const dir = join(base, digest);
  expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  expect(index.manifests).toHaveLength(1);
  expect(index.manifests[0].digest).toBe(digest);
  const manifest = await readFile(blob(dir, digest));
  if (want) expect(manifest.equals(want.manifest)).toBe(true); // exact bytes: the digest is preserved
  const m = JSON.parse(manifest.toString('utf8'));
  const config = await readFile(blob(dir, m.config.digest));
  if (want) expect(config.equals(want.config)).toBe(true);
  const blobs = await readdir(join(dir, 'blobs', 'sha256'));
  expect(blobs.sort()).toEqual([digest.slice(7), m.config.digest.slice(7)].sort()); // no layer is downloaded
  for (const l of m.layers) expect(await exists(blob(dir, l.digest))).toBe(false);
}

const run = (opts: Parameters<typeof runRestorer>[1] = {}) =>
  runRestorer(ws, { cacheDir: false, ...opts, env: { CNB_KANIKO_DIR: kaniko, ...(opts.env ?? {}) } });

describe('restorer: base images for the extender (RS-12, RS-13, RS-15)', () => {
  for (const api of ['0.10', '0.13', '0.15']) {
    it(`RS-12 -build-image: digest reference in [build-image], extend kept, manifest and config at <kaniko>/cache/base/<digest> (Platform ${api})`, async () => {
      const buildRef = reg.ref('extend/build', 'b');
      const img = await runImage({ marker: `build-${api}` });
      const { digest } = await putImage({ registry: reg }, buildRef, img);
      await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
      await writeAnalyzedToml(ws, imageMetadata({}), {
        runImage: { reference: digestRef(runRef, runDigest), image: runRef, target: { os: 'linux', arch: 'arm64' } },
        ...(api === '0.10' ? {} : { buildImage: { reference: '', extend: true } }),
      });
      const r = await run({ platformApi: api, args: ['-build-image', buildRef] });
      expect(r.code, r.stderr).toBe(0);
      expect((await analyzedToml())['build-image']).toEqual({ reference: digestRef(buildRef, digest), ...(api === '0.10' ? {} : { extend: true }) });
      await expectSparseLayout(digest, { manifest: Buffer.from(await img.rawManifest()), config: Buffer.from(await img.rawConfig()) });
    });
  }

  for (const api of ['0.12', '0.15']) {
    it(`RS-15 run-image.extend = true: the run image's manifest and config at <kaniko>/cache/base/<digest>; digest reference and target recorded (Platform ${api})`, async () => {
      await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
      await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: runRef, image: runRef, extend: true } });
      const r = await run({ platformApi: api });
      expect(r.code, r.stderr).toBe(0);
      const ri = (await analyzedToml())['run-image']!;
      expect(ri['reference']).toBe(digestRef(runRef, runDigest)); // the extender takes the digest after '@'
      expect(ri['image']).toBe(runRef);
      expect(ri['extend']).toBe(true);
      expect(ri['target']).toMatchObject({ os: 'linux', arch: 'arm64', 'arch-variant': 'v8' });
      await expectSparseLayout(runDigest, runBytes);
    });
  }

  it('RS-13 ERRATA-25 an extension switched the run image (reference = image = name, no target): digest reference and target; nothing saved without extend', async () => {
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: runRef, image: runRef } });
    const r = await run({ platformApi: '0.15' });
    expect(r.code, r.stderr).toBe(0);
    const ri = (await analyzedToml())['run-image']!;
    expect(ri['reference']).toBe(digestRef(runRef, runDigest));
    expect(ri['target']).toMatchObject({ os: 'linux', arch: 'arm64' });
    expect(await exists(join(kaniko, 'cache'))).toBe(false);
  });

  it('RS-15 a switched run image that is also extended (detector: reference = image = name, extend = true) is resolved and saved', async () => {
    const other = reg.ref('extend/other-run', '7');
    const img = await runImage({ marker: 'switched' });
    const { digest } = await putImage({ registry: reg }, other, img);
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: other, image: other, extend: true } });
    const r = await run({ platformApi: '0.14', args: ['-run', join(ws.dir, 'no-run.toml')] });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzedToml())['run-image']).toMatchObject({ reference: digestRef(other, digest), image: other, extend: true, target: { os: 'linux', arch: 'amd64' } });
    await expectSparseLayout(digest, { manifest: Buffer.from(await img.rawManifest()), config: Buffer.from(await img.rawConfig()) });
  });

  it('RS-15 the analyzer\'s digest reference is kept when the tag has moved since (the saved image is the pinned one)', async () => {
    const moving = reg.ref('extend/moving', 'v1');
    const first = await runImage({ marker: 'first' });
    const { digest } = await putImage({ registry: reg }, moving, first);
    await putImage({ registry: reg }, moving, await runImage({ marker: 'second' }));
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: digestRef(moving, digest), image: moving, extend: true } });
    const r = await run({ platformApi: '0.15' });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzedToml())['run-image']?.['reference']).toBe(digestRef(moving, digest));
    await expectSparseLayout(digest);
  });

  it('RS-15 -layout: the run image is read from the layout; reference <layout path>@<digest>, saved by digest', async () => {
    const layoutDir = join(ws.dir, 'layout-repo');
    const name = 'example.com/extend/run:1';
    const img = await runImage({ marker: 'layout' });
    const { digest } = await new LayoutStore(layoutDir).write(img, [name]);
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: name, image: name, extend: true } });
    const r = await run({ platformApi: '0.15', args: ['-layout', '-layout-dir', layoutDir], env: { CNB_EXPERIMENTAL_MODE: 'warn' } });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzedToml())['run-image']?.['reference']).toBe(`${layoutDirOf(layoutDir, name)}@${digest}`);
    await expectSparseLayout(digest as string);
  });

  it('RS-15 a run image to extend that does not exist fails the restore (42)', async () => {
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    const missing = reg.ref('extend/none', 'x');
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: missing, image: missing, extend: true } });
    expect((await run({ platformApi: '0.15' })).code).toBe(42);
  });

  it('RS-12 RS-15 without a <kaniko-dir> the references are recorded and a warning says nothing was saved', async () => {
    await writeGroupToml(ws, [{ id: BP }], ['acme/ext']);
    await writeAnalyzedToml(ws, imageMetadata({}), { runImage: { reference: runRef, image: runRef, extend: true } });
    const r = await run({ platformApi: '0.15', env: { CNB_KANIKO_DIR: join(ws.dir, 'no-kaniko') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('does not exist');
    expect((await analyzedToml())['run-image']?.['reference']).toBe(digestRef(runRef, runDigest));
  });
});
