/**
 * Issue 4/7: an unchanged rebuild uploads no unchanged layer and re-reads no unchanged layer directory
 * (registry request counts from RegistryStore events; Exporter layer stats), against the real registry.
 */
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import { ImageCache, selectorCacheIn, VolumeCache, type Cache } from '../../../src/cache/index.js';
import { Exporter, type ExportResult } from '../../../src/phase/index.js';
import { createRegistryStore, RegistryCounters, type RegistryEvent } from '../../../src/registry/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { putImage, runImage } from '../../../spec/harness/index.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { makeExportWorkspace, previousOf, serviceInputs, standardBuild, writeExportAnalyzed, type ExportWorkspace } from './fixture.js';

let reg: RegistryServer;
let runRef: string;
const counters = new RegistryCounters();
const uploads: string[] = [];
const store = createRegistryStore({
  keychain: multiKeychain(),
  events: (e: RegistryEvent, d) => {
    counters.hook(e, d);
    if (e === 'upload' && d.digest) uploads.push(d.digest);
  },
});
// Fingerprints taken "10 s later" are never racily clean, so the first export records them (see src/cache README).
const clock = { now: () => new Date(Date.now() + 10_000) };

beforeAll(async () => {
  reg = await startRegistry();
  const r = await putImage({ registry: { host: reg.host, store: () => store } as never }, `${reg.host}/run/base:latest`, await runImage());
  runRef = `${reg.host}/run/base@${r.digest}`;
});
afterAll(async () => {
  await store.close();
  await reg.stop();
});

async function exportOnce(ws: ExportWorkspace, tag: string, cache: Cache, parallel = false): Promise<ExportResult> {
  const logger = memoryLogger('info');
  return new Exporter({ store, cache, selectors: selectorCacheIn(ws.cacheDir), artifactsDir: join(ws.cacheDir, 'layer-artifacts-v1'), artifactsPersist: true, clock, logger }).export(
    serviceInputs(ws, [tag], { parallel }),
  );
}

describe('rebuild with a cache', () => {
  it('the second export uploads nothing, tars no unchanged layer and gives the same digest; a changed layer uploads only itself and the config', async () => {
    const ws = await makeExportWorkspace();
    const tag = `${reg.host}/app/rebuild:latest`;
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef });
    counters.reset();
    const first = await exportOnce(ws, tag, await VolumeCache.open(ws.cacheDir, { verifyReuse: false }));
    const firstUploads = counters.get('upload');
    expect(firstUploads).toBe(7); // deps, tools, app, launcher, config layer, process types + image config

    await writeExportAnalyzed(ws, { runRef, previous: await previousOf(store, `${reg.host}/app/rebuild@${first.digest}`) });
    counters.reset();
    uploads.length = 0;
    const second = await exportOnce(ws, tag, await VolumeCache.open(ws.cacheDir, { verifyReuse: false }));
    const seen = Object.fromEntries(counters.counts);
    console.log(`rebuild request counts: first export uploads=${firstUploads}; second export ${JSON.stringify(seen)}`);
    expect(second.digest).toBe(first.digest);
    expect(counters.get('upload')).toBe(0);
    expect(counters.get('upload-start')).toBe(0);
    expect(second.stats.selectorHits).toEqual(expect.arrayContaining(['acme/node:deps', 'acme/node:tools', 'app']));
    expect(second.stats.built.sort()).toEqual(['config', 'launcher', 'process-types']); // tiny, not fingerprinted
    expect(second.cacheWritten).toBe(true);

    await writeFile(join(ws.layersDir, 'acme_node', 'tools', 'file.txt'), 'changed\n');
    await writeExportAnalyzed(ws, { runRef, previous: await previousOf(store, `${reg.host}/app/rebuild@${second.digest}`) });
    counters.reset();
    const third = await exportOnce(ws, tag, await VolumeCache.open(ws.cacheDir, { verifyReuse: false }));
    console.log(`changed-layer request counts: ${JSON.stringify(Object.fromEntries(counters.counts))}`);
    expect(third.stats.built).toContain('acme/node:tools');
    expect(counters.get('upload')).toBe(2); // the changed layer and the new image config

    // Issue 7 rule (src/cache/README.md): a file rewritten with the same size and its old mtime restored
    // (as `touch -d` does) still changes ctime, so its layer is re-tarred, never taken from the selector cache.
    const depsFile = join(ws.layersDir, 'acme_node', 'deps', 'file.txt');
    const before = await stat(depsFile, { bigint: true });
    await writeFile(depsFile, 'ACME/NODE:DEPS\n');
    const ns = before.mtimeNs;
    execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, depsFile]);
    const after = await stat(depsFile, { bigint: true });
    expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]); // same size, same mtime to the ns
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    await writeExportAnalyzed(ws, { runRef, previous: await previousOf(store, `${reg.host}/app/rebuild@${third.digest}`) });
    const fourth = await exportOnce(ws, tag, await VolumeCache.open(ws.cacheDir, { verifyReuse: false }));
    expect(fourth.stats.built).toContain('acme/node:deps');
    expect(fourth.stats.selectorHits).not.toContain('acme/node:deps');
    expect(fourth.digest).not.toBe(third.digest);
    await ws.cleanup();
  });

  it('a layer shared by the app image and the cache image is uploaded once (-parallel)', async () => {
    const ws = await makeExportWorkspace();
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef });
    uploads.length = 0;
    const cache = new ImageCache({ store, ref: `${reg.host}/app/shared-cache:latest` });
    const r = await exportOnce(ws, `${reg.host}/app/shared:latest`, cache, true);
    expect(r.cacheWritten).toBe(true);
    expect(uploads.length).toBe(new Set(uploads).size); // no digest uploaded twice
    await ws.cleanup();
  });
});
