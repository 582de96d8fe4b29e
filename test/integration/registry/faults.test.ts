import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKeychain, multiKeychain } from '../../../src/auth/index.js';
import { defaultRetryPolicy } from '../../../src/http/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.js';
import { MemoryImage } from '../../helpers/memory-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../../helpers/token-server.js';
import { copyAndValidate, inspectRaw } from './tools.js';

describe('push through a fault-injecting proxy in front of the real registry', () => {
  let reg: RegistryServer;
  let proxy: FaultProxy;
  let work: string;

  beforeAll(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: reg.port });
    work = mkdtempSync(join(tmpdir(), 'reg-faults-'));
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('survives 429 with Retry-After, 500s and a connection reset mid-upload; the registry holds a valid image', async () => {
    proxy.add({ method: 'HEAD', path: /\/blobs\/sha256:/, fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, times: 1 });
    proxy.add({ method: 'POST', path: /\/blobs\/uploads\/$/, fault: { kind: 'status', status: 500 }, times: 1 });
    proxy.add({ method: 'PATCH', fault: { kind: 'reset-mid-body', afterBytes: 10_000 }, times: 2 });
    proxy.add({ method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 503 }, times: 1 });
    proxy.add({ method: 'GET', path: /^\/v2\/$/, fault: { kind: 'reset' }, times: 1 });
    const counters = new RegistryCounters();
    const logger = memoryLogger('debug');
    const store = createRegistryStore({ keychain: multiKeychain(), events: counters.hook, logger, retryPolicy: defaultRetryPolicy({ baseDelayMs: 20 }) });
    try {
      const img = await MemoryImage.random(3, 60_000);
      const res = await store.write(img, [`${proxy.host}/faulty/app:latest`]);
      expect(proxy.fired()).toBe(6);
      expect(proxy.log.filter((l) => l.fault === 'reset-mid-body')).toHaveLength(2);
      expect(counters.get('upload')).toBe(4);
      expect(counters.get('upload-attempt')).toBe(6); // two sessions restarted after the resets
      expect(logger.lines.some((l) => /retrying HEAD .* in 1000 ms \(attempt \d: status 429\)/.test(l))).toBe(true);
      // Verified against the registry directly, not through the proxy.
      expect(inspectRaw(reg, `${reg.host}/faulty/app:latest`).digest).toBe(res.digest);
      copyAndValidate(reg, `${reg.host}/faulty/app:latest`, join(work, 'layout'));
    } finally {
      await store.close();
    }
  });

  it('gives up after the bounded number of attempts with an error naming the registry and the cause', async () => {
    proxy.add({ method: 'GET', path: /\/manifests\//, fault: { kind: 'status', status: 502 }, times: 10 });
    const store = createRegistryStore({ keychain: multiKeychain(), retryPolicy: defaultRetryPolicy({ baseDelayMs: 1, maxAttempts: 3 }) });
    try {
      const before = proxy.fired();
      await expect(store.image(`${proxy.host}/faulty/app:latest`)).rejects.toMatchObject({
        code: 'ERR_REGISTRY',
        message: `registry ${proxy.host}: get manifest latest: GET /v2/faulty/app/manifests/latest returned 502 UNKNOWN: injected 502`,
      });
      expect(proxy.fired() - before).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('bearer token refresh on 401', () => {
  let tokens: TokenServer;
  let reg: RegistryServer;
  let proxy: FaultProxy;

  beforeAll(async () => {
    tokens = await startTokenServer();
    reg = await startRegistry({ auth: 'bearer', realm: tokens.realm });
    proxy = await startFaultProxy({ host: '127.0.0.1', port: reg.port });
  });
  afterAll(async () => {
    await proxy?.stop();
    await reg?.stop();
    await tokens?.stop();
  });

  it('re-exchanges the token when the registry answers 401 mid-push', async () => {
    const challenge = `Bearer realm="${tokens.realm}",service="test-registry",scope="repository:refresh/app:pull,push"`;
    proxy.add({ method: 'PUT', path: /\/manifests\//, fault: { kind: 'status', status: 401, headers: { 'WWW-Authenticate': challenge } }, times: 1 });
    const store = createRegistryStore({ keychain: defaultKeychain({ env: {} }) });
    try {
      const res = await store.write(await MemoryImage.random(1, 1000), [`${proxy.host}/refresh/app:latest`]);
      expect(tokens.requests.length).toBe(2);
      expect(tokens.requests[1]?.scopes).toEqual(['repository:refresh/app:pull,push']);
      expect(inspectRaw(reg, `${reg.host}/refresh/app:latest`).digest).toBe(res.digest);
    } finally {
      await store.close();
    }
  });
});
