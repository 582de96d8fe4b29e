/**
 * A SIGKILLed exporter (killed while writing the cache) leaves a cache the next build can restore from, and
 * the next export succeeds (src/cache staging/committed swap; restore done with src/cache directly).
 */
import { fork } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTar } from '../../../src/archive/index.js';
import { multiKeychain } from '../../../src/auth/index.js';
import { referencedDiffIds, VolumeCache, type VolumeCachePoint } from '../../../src/cache/index.js';
import type { Digest } from '../../../src/oci/index.js';
import { createRegistryStore } from '../../../src/registry/index.js';
import { makeTempDir, putImage, runImage } from '../../../spec/harness/index.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { makeExportWorkspace, serviceInputs, standardBuild, writeExportAnalyzed, type ExportWorkspace } from './fixture.js';

let reg: RegistryServer;
let runRef: string;
let child: string;
let work: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  reg = await startRegistry();
  const store = createRegistryStore({ keychain: multiKeychain() });
  runRef = `${reg.host}/run/base@${(await putImage({ registry: { store: () => store } as never }, `${reg.host}/run/base:latest`, await runImage())).digest}`;
  await store.close();
  work = await makeTempDir('export-kill-');
  child = join(work.dir, 'export-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'fixtures', 'export-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
});
afterAll(async () => {
  await reg.stop();
  await work.cleanup();
});

function runChild(ws: ExportWorkspace, tag: string, stopAt: VolumeCachePoint | 'none'): Promise<'killed' | 'done'> {
  const inputs = { ...serviceInputs(ws, [tag]), platformApi: undefined, created: undefined };
  return new Promise((resolve, reject) => {
    const p = fork(child, [JSON.stringify({ inputs, cacheDir: ws.cacheDir, stopAt })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let outcome: 'killed' | 'done' | undefined;
    p.on('message', (m: { at?: string; done?: boolean }) => {
      if (m.at === stopAt) {
        outcome = 'killed';
        p.kill('SIGKILL'); // EP-25: the exporter dies in the middle of the cache write
      } else if (m.done) outcome = 'done';
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (outcome === 'killed' && signal === 'SIGKILL') resolve('killed');
      else if (outcome === 'done' && code === 0) resolve('done');
      else reject(new Error(`export child ended unexpectedly: code ${code} signal ${signal}`));
    });
  });
}

/** Restores every cache=true layer from the committed cache (as the restorer does), verifying each diffID. */
async function restore(ws: ExportWorkspace): Promise<number> {
  const cache = await VolumeCache.open(ws.cacheDir, { readOnly: true });
  const md = await cache.metadata();
  let n = 0;
  for (const bp of md.buildpacks) {
    for (const [name, l] of Object.entries(bp.layers)) {
      const dir = join(ws.layersDir, bp.key.replaceAll('/', '_'), name);
      await rm(dir, { recursive: true, force: true });
      const stream = await cache.openLayer(l.sha as Digest);
      expect(stream, `${bp.key}:${name} in cache`).toBeDefined();
      await extractTar(stream!, '/', { what: `cache layer ${l.sha}` });
      n++;
    }
  }
  for (const id of referencedDiffIds(md)) expect(await cache.verifyLayer(id as Digest)).toBe(true);
  return n;
}

describe('killed exporter', () => {
  const points: VolumeCachePoint[] = ['metadata-temp-written', 'staging-synced', 'committed-moved-to-backup', 'staging-moved-to-committed'];
  for (const point of points) {
    it(`EP-25 a SIGKILL at '${point}' leaves a restorable cache and the next build succeeds`, async () => {
      const ws = await makeExportWorkspace();
      const tag = `${reg.host}/app/killed:latest`;
      await standardBuild(ws);
      await writeExportAnalyzed(ws, { runRef });
      expect(await runChild(ws, tag, 'none')).toBe('done');
      await writeFile(join(ws.layersDir, 'acme_node', 'deps', 'file.txt'), 'generation 2\n');
      expect(await runChild(ws, tag, point)).toBe('killed');
      expect(await restore(ws)).toBe(1); // deps, from generation 1 or 2 (both are consistent)
      expect(await runChild(ws, tag, 'none')).toBe('done');
      const left = await readdir(ws.cacheDir);
      expect(left).toContain('committed');
      expect(left).not.toContain('committed-backup');
      expect(await restore(ws)).toBe(1);
      await ws.cleanup();
    });
  }
});
