/**
 * Early layer uploads (RegistryStore.prepareLayer, issue "Performance"): a later write joins them (no blob
 * twice, no extra HEAD), a failed one surfaces from the write with the same typed error and no manifest,
 * an aborted one is forgotten, nothing is ever an unhandled rejection. The mini registry is an in-memory
 * fake used only to inject faults and observe requests; test/integration/export covers the real registry.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRetryPolicy, type Transport } from '../../../src/http/index.js';
import { BlobPreloads, RegistryCounters, RegistryStore } from '../../../src/registry/index.js';
import { MemoryImage } from '../../helpers/memory-image.js';
import { miniRegistry, type MiniRegistry } from './mini-registry.js';

const policy = defaultRetryPolicy({ sleep: async () => undefined, maxAttempts: 3 });
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A transport in front of `reg` that calls `onBlobPut` after each completed blob PUT (by digest). */
function observed(reg: MiniRegistry, onBlobPut: (digest: string) => void): Transport {
  return async (req, signal) => {
    const res = await reg.transport(req, signal);
    const d = new URL(req.url).searchParams.get('digest');
    if (req.method === 'PUT' && d && res.status === 201) onBlobPut(d);
    return res;
  };
}

/** Resolves once `n` blob PUTs went through. */
function counter(n: number): { hit: (d: string) => void; done: Promise<void> } {
  let left = n;
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  return { hit: () => --left === 0 && resolve(), done };
}

const methods = (reg: MiniRegistry, m: string) => reg.log.filter((l) => l.startsWith(`${m} `));

describe('RegistryStore.prepareLayer', () => {
  it('uploads each layer before the write, and the write only adds the config and the manifest', async () => {
    const reg = miniRegistry();
    const img = await MemoryImage.random(6, 2000);
    const c = counter(6);
    const counters = new RegistryCounters();
    const store = new RegistryStore({ transport: observed(reg, c.hit), retryPolicy: policy, events: counters.hook });
    for (const l of await img.layers()) store.prepareLayer(l, ['r.io/app:1', 'r.io/app:2']);
    await c.done; // every layer is in the registry before write is called
    expect(reg.maxInFlightPatches).toBeLessThanOrEqual(4);
    expect(methods(reg, 'PUT')).toHaveLength(6);
    expect(reg.manifests.size).toBe(0);
    const before = reg.log.length;
    const res = await store.write(img, ['r.io/app:1', 'r.io/app:2']);
    const cfg = (await img.manifest()).config.digest;
    expect(reg.log.slice(before).map((l) => l.split('?')[0])).toEqual([
      `HEAD /v2/app/blobs/${cfg}`,
      'POST /v2/app/blobs/uploads/',
      expect.stringMatching(/^PATCH /),
      expect.stringMatching(/^PUT \/v2\/app\/blobs\/uploads\//),
      'PUT /v2/app/manifests/1',
      'PUT /v2/app/manifests/2',
    ]);
    expect(counters.get('blob-head')).toBe(7); // one per blob, as a write without preloads
    expect(counters.get('upload')).toBe(7);
    expect(reg.manifests.get('app:1')?.body.toString()).toBe(Buffer.from(await img.rawManifest()).toString());
    expect(res.digest).toBe(await img.digest());
  });

  it('is joined by a write that starts while the uploads still run (each blob once)', async () => {
    const reg = miniRegistry();
    const img = await MemoryImage.random(8, 5000);
    const store = new RegistryStore({ transport: reg.transport, retryPolicy: policy });
    for (const l of await img.layers()) store.prepareLayer(l, ['r.io/app:1']);
    await store.write(img, ['r.io/app:1']);
    expect(methods(reg, 'PATCH')).toHaveLength(9);
    expect(methods(reg, 'HEAD')).toHaveLength(9);
    expect(reg.maxInFlightPatches).toBeLessThanOrEqual(4);
  });

  it('a write that takes a preload still queued behind others does not wait for itself', async () => {
    const reg = miniRegistry();
    const img = await MemoryImage.random(2, 1000);
    const other = (await MemoryImage.random(1, 1000)).layers();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let entered: () => void = () => undefined;
    const inPatch = new Promise<void>((r) => (entered = r));
    let first = true;
    const transport: Transport = async (req, s) => {
      if (req.method === 'PATCH' && first) {
        first = false;
        entered();
        await gate; // the unrelated preload holds the only preload slot
      }
      return reg.transport(req, s);
    };
    const store = new RegistryStore({ transport, retryPolicy: policy, concurrency: 1 });
    store.prepareLayer((await other)[0]!, ['r.io/app:1']);
    await inPatch;
    for (const l of await img.layers()) store.prepareLayer(l, ['r.io/app:1']); // queued
    const written = store.write(img, ['r.io/app:1']); // takes the queued preloads
    release();
    await written;
    expect(methods(reg, 'PATCH')).toHaveLength(4); // the other layer, two layers, the config
    expect(reg.manifests.has('app:1')).toBe(true);
  });

  it('a failed early upload fails the write with the error a plain write gives, and no manifest is put', async () => {
    const img = await MemoryImage.random(3, 1000);
    const bad = await (await img.layers())[1]!.digest();
    const run = async (preload: boolean) => {
      const reg = miniRegistry();
      const transport: Transport = async (req, s) => {
        if (req.method === 'PUT' && new URL(req.url).searchParams.get('digest') === bad) {
          reg.log.push(`PUT ${bad} (500)`);
          return { status: 500, headers: { 'content-type': 'application/json' }, url: req.url, body: (await import('node:stream')).Readable.from([Buffer.from('{"errors":[{"code":"UNKNOWN","message":"injected"}]}')]) };
        }
        return reg.transport(req, s);
      };
      const store = new RegistryStore({ transport, retryPolicy: policy });
      if (preload) for (const l of await img.layers()) store.prepareLayer(l, ['r.io/app:1']);
      const err = await store.write(img, ['r.io/app:1']).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; name: string },
      );
      return { err, reg };
    };
    const plain = await run(false);
    const early = await run(true);
    expect(plain.err).toBeDefined();
    expect(early.err?.name).toBe(plain.err?.name);
    expect(early.err?.code).toBe(plain.err?.code);
    expect(early.err?.message).toBe(plain.err?.message);
    expect(early.err?.message).toContain(bad);
    expect(early.reg.log.filter((l) => l.endsWith('(500)'))).toHaveLength(3); // the retry budget, once
    expect(early.reg.manifests.size).toBe(0);
    expect(methods(early.reg, 'PUT').filter((l) => l.includes('/manifests/'))).toHaveLength(0);
  });

  it('an aborted early upload is forgotten: the write uploads that blob itself, once', async () => {
    const reg = miniRegistry();
    const img = await MemoryImage.random(2, 1000);
    let hang = true;
    let entered: () => void = () => undefined;
    const inPatch = new Promise<void>((r) => (entered = r));
    const transport: Transport = async (req, s) => {
      if (hang && req.method === 'PATCH') {
        entered();
        await new Promise((_, reject) => s?.addEventListener('abort', () => reject(s.reason), { once: true }));
      }
      return reg.transport(req, s);
    };
    const store = new RegistryStore({ transport, retryPolicy: policy, concurrency: 1 });
    const ac = new AbortController();
    for (const l of await img.layers()) store.prepareLayer(l, ['r.io/app:1'], ac.signal);
    await inPatch;
    ac.abort(new Error('export ended'));
    hang = false;
    await store.write(img, ['r.io/app:1']);
    expect(methods(reg, 'PATCH')).toHaveLength(3); // the aborted PATCH never reached the registry
    expect(reg.blobs.size).toBe(3);
  });

  it('leaves layers with a mount source to the write (it mounts them)', async () => {
    const reg = miniRegistry();
    const base = await MemoryImage.random(1, 500);
    const store = new RegistryStore({ transport: reg.transport, retryPolicy: policy });
    await store.write(base, ['r.io/run:1']);
    const remote = (await (await store.image('r.io/run:1'))!.layers())[0]!;
    const img = await MemoryImage.of([remote]);
    reg.log.length = 0;
    store.prepareLayer(remote, ['r.io/app:1']);
    await store.write(img, ['r.io/app:1']);
    expect(reg.log.filter((l) => l.includes('mount='))).toHaveLength(1);
    expect(methods(reg, 'PATCH')).toHaveLength(1); // the config only
  });
});

describe('BlobPreloads', () => {
  it('runs a key once, hands it over once, and ignores jobs that cannot be resolved', async () => {
    const p = new BlobPreloads(2);
    let runs = 0;
    const job = async () => ({ key: 'k', run: async () => void runs++ });
    p.start(job);
    p.start(job);
    p.start(async () => {
      throw new Error('no digest');
    });
    p.start(async () => undefined);
    await p.ready();
    expect(p.size).toBe(1);
    await p.take('k');
    expect(runs).toBe(1);
    expect(p.take('k')).toBeUndefined();
  });

  it('keeps a failure for the taker without an unhandled rejection', async () => {
    const p = new BlobPreloads(1);
    p.start(async () => ({ key: 'k', run: async () => Promise.reject(new Error('boom')) }));
    await p.ready();
    await new Promise((r) => setImmediate(r));
    await expect(p.take('k')).rejects.toThrow('boom');
  });
});
