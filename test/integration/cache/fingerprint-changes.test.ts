import { spawnSync } from 'node:child_process';
import { chmod, link, lstat, mkdir, mkdtemp, readdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LayerSelectorCache, fingerprintDir, type Fingerprint } from '../../../src/cache/index.js';
import type { Digest } from '../../../src/oci/index.js';

let root: string;
let layer: string;
const later = { now: () => new Date(Date.now() + 3_600_000) }; // a clock past the racy window

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'fp-changes-'));
  layer = join(root, 'layers', 'bp', 'node');
  await mkdir(join(layer, 'bin'), { recursive: true });
  await writeFile(join(layer, 'bin', 'node'), 'binary-v1');
  await writeFile(join(layer, 'README'), 'readme');
  await symlink('bin/node', join(layer, 'node-link'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const fp = () => fingerprintDir(layer, { clock: later });

/**
 * File timestamps come from the kernel's coarse clock (one tick is a few ms), so a change made in the same
 * tick as the previous one can leave ctime equal: the "racily clean" case LayerSelectorCache refuses to
 * record. These tests are about changes made later, so they first wait (without any time bound) until a
 * probe file gets a ctime newer than every ctime in `dir`.
 */
async function waitForFsTick(dir: string): Promise<void> {
  let newest = 0n;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p, { bigint: true });
    if (st.ctimeNs > newest) newest = st.ctimeNs;
    if (st.isDirectory()) for (const n of await readdir(p)) await walk(join(p, n));
  };
  await walk(dir);
  const probe = join(root, '.tick-probe');
  for (;;) {
    await writeFile(probe, '');
    if ((await lstat(probe, { bigint: true })).ctimeNs > newest) break;
    await new Promise((r) => setImmediate(r));
  }
}

/** `touch -d @<sec>.<ns>`: restores an mtime with nanosecond precision through the real coreutils binary. */
function touchMtime(path: string, mtimeNs: bigint): void {
  const sec = mtimeNs / 1_000_000_000n;
  const ns = (mtimeNs % 1_000_000_000n).toString().padStart(9, '0');
  const r = spawnSync('touch', ['-m', '-d', `@${sec}.${ns}`, path]);
  expect(r.status, r.stderr?.toString()).toBe(0);
}

describe('fingerprintDir sees every change that alters a layer tar', () => {
  let before: Fingerprint;
  beforeEach(async () => {
    before = await fp();
    expect((await fp()).digest).toBe(before.digest);
    await waitForFsTick(layer);
    expect((await fp()).digest).toBe(before.digest);
  });

  it('a rewrite with the same size and the old mtime restored by touch -d', async () => {
    const file = join(layer, 'bin', 'node');
    const st = await lstat(file, { bigint: true });
    await writeFile(file, 'binary-v2');
    touchMtime(file, st.mtimeNs);
    const after = await lstat(file, { bigint: true });
    expect(after.size).toBe(st.size);
    expect(after.mtimeNs).toBe(st.mtimeNs);
    expect(after.ino).toBe(st.ino);
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('chmod', async () => {
    await chmod(join(layer, 'README'), 0o600);
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('rename', async () => {
    await rename(join(layer, 'README'), join(layer, 'README.md'));
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('an added file', async () => {
    await writeFile(join(layer, 'bin', 'npm'), '');
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('a removed file', async () => {
    await unlink(join(layer, 'README'));
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('a hard link added inside the layer', async () => {
    await link(join(layer, 'bin', 'node'), join(layer, 'bin', 'nodejs'));
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('a hard link to a layer file made from outside (link count and ctime of the inode change)', async () => {
    await link(join(layer, 'README'), join(root, 'outside'));
    expect((await fp()).digest).not.toBe(before.digest);
  });

  it('a symlink re-pointed to a same-length target', async () => {
    await unlink(join(layer, 'node-link'));
    await symlink('bin/nodf', join(layer, 'node-link'));
    expect((await fp()).digest).not.toBe(before.digest);
  });
});

describe('LayerSelectorCache with real fingerprints', () => {
  it('hits for an unchanged directory and misses after a touch -d rewrite', async () => {
    const sel = LayerSelectorCache.at(join(root, 'cache', 'layer-selectors-v1'));
    const id = `sha256:${'1'.repeat(64)}` as Digest;
    const first = await fp();
    expect(await sel.record(first, { diffId: id })).toBe(true);
    expect(await sel.lookup(await fp())).toEqual({ diffId: id });
    await waitForFsTick(layer);
    const file = join(layer, 'README');
    const st = await lstat(file, { bigint: true });
    await writeFile(file, 'README');
    touchMtime(file, st.mtimeNs);
    expect(await sel.lookup(await fp())).toBeUndefined();
  });

  it('does not record a directory that just changed (real clock)', async () => {
    const sel = LayerSelectorCache.at(join(root, 'sel'));
    await writeFile(join(layer, 'fresh'), 'x');
    expect(await sel.record(await fingerprintDir(layer), { diffId: `sha256:${'2'.repeat(64)}` as Digest })).toBe(false);
  });
});
