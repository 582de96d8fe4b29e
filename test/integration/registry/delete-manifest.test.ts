/** EP-30: RegistryStore.delete against real docker-registry instances (deletes enabled, and refused with 405). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiKeychain } from '../../../src/auth/index.js';
import { RegistryError } from '../../../src/http/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { MemoryImage } from '../../helpers/memory-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';

/** docker-registry with `storage.delete.enabled` overridden to false (distribution reads REGISTRY_* env overrides). */
async function startWithoutDeletes(): Promise<RegistryServer> {
  const before = process.env['REGISTRY_STORAGE_DELETE_ENABLED'];
  process.env['REGISTRY_STORAGE_DELETE_ENABLED'] = 'false';
  try {
    return await startRegistry();
  } finally {
    if (before === undefined) delete process.env['REGISTRY_STORAGE_DELETE_ENABLED'];
    else process.env['REGISTRY_STORAGE_DELETE_ENABLED'] = before;
  }
}

describe('RegistryStore.delete (EP-30)', () => {
  let reg: RegistryServer;
  let locked: RegistryServer;
  const counters = new RegistryCounters();
  const store = createRegistryStore({ keychain: multiKeychain(), events: counters.hook });

  beforeAll(async () => {
    reg = await startRegistry();
    locked = await startWithoutDeletes();
  });
  afterAll(async () => {
    await store.close();
    await reg?.stop();
    await locked?.stop();
  });

  it('deletes a manifest by digest reference; other manifests of the repository stay', async () => {
    const a = await MemoryImage.random(1, 1000);
    const b = await MemoryImage.random(1, 1000);
    const ra = await store.write(a, [`${reg.host}/del/one:a`]);
    await store.write(b, [`${reg.host}/del/one:b`]);
    counters.reset();
    await store.delete(`${reg.host}/del/one@${ra.digest}`);
    expect(counters.get('manifest-delete')).toBe(1);
    expect(await store.exists(`${reg.host}/del/one@${ra.digest}`)).toBe(false);
    expect(await store.exists(`${reg.host}/del/one:a`)).toBe(false);
    expect(await store.exists(`${reg.host}/del/one:b`)).toBe(true);
  });

  it('deletes through a tag (HEAD for the digest): every tag of that manifest goes', async () => {
    const img = await MemoryImage.random(1, 1000);
    await store.write(img, [`${reg.host}/del/two:x`, `${reg.host}/del/two:y`]);
    await store.delete(`${reg.host}/del/two:x`);
    expect(await store.exists(`${reg.host}/del/two:x`)).toBe(false);
    expect(await store.exists(`${reg.host}/del/two:y`)).toBe(false);
  });

  it('a missing manifest, tag or repository is not an error', async () => {
    const img = await MemoryImage.random(1, 1000);
    const r = await store.write(img, [`${reg.host}/del/three:x`]);
    await store.delete(`${reg.host}/del/three@${r.digest}`);
    await expect(store.delete(`${reg.host}/del/three@${r.digest}`)).resolves.toBeUndefined();
    await expect(store.delete(`${reg.host}/del/three:gone`)).resolves.toBeUndefined();
    await expect(store.delete(`${reg.host}/del/never:x`)).resolves.toBeUndefined();
  });

  it('a registry without deletes answers 405 UNSUPPORTED: a RegistryError naming the registry; the manifest stays', async () => {
    const img = await MemoryImage.random(1, 1000);
    const r = await store.write(img, [`${locked.host}/del/locked:x`]);
    const err = await store.delete(`${locked.host}/del/locked@${r.digest}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).status).toBe(405);
    expect((err as RegistryError).hasCode('UNSUPPORTED')).toBe(true);
    expect((err as Error).message).toContain(locked.host);
    expect(await store.exists(`${locked.host}/del/locked:x`)).toBe(true);
  });
});
