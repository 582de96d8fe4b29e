import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultKeychain } from '../../../src/auth/index.js';
import { createRegistryStore, RegistryCounters } from '../../../src/registry/index.js';
import { memoryLogger } from '../../../src/sys/index.js';
import { MemoryImage, randomLayer } from '../../helpers/memory-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { startTokenServer, type TokenServer } from '../../helpers/token-server.js';
import { inspectRaw } from './tools.js';

describe('bearer-token registry (DESIGN §6.7 step 7)', () => {
  let tokens: TokenServer;
  let reg: RegistryServer;
  let work: string;
  const counters = new RegistryCounters();
  const stores: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(s: T) => (stores.push(s), s);
  const env = () => ({ CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: `Basic ${Buffer.from('alice:t0ken-pass').toString('base64')}` }) });

  beforeAll(async () => {
    tokens = await startTokenServer({ user: 'alice', password: 't0ken-pass', refreshToken: 'refresh-s3cr3t' });
    reg = await startRegistry({ auth: 'bearer', realm: tokens.realm, service: 'test-registry' });
    work = mkdtempSync(join(tmpdir(), 'reg-bearer-'));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await reg?.stop();
    await tokens?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    tokens.requests.length = 0;
    counters.reset();
  });

  it('exchanges Basic credentials for one push token with pull,push scope, and mount sources get pull', async () => {
    const logger = memoryLogger('debug');
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env: env() }), logger, events: counters.hook }));
    const base = await MemoryImage.random(2, 4000);
    await store.write(base, [`${reg.host}/run/base:latest`]);
    expect(tokens.requests).toEqual([{ method: 'GET', service: 'test-registry', scopes: ['repository:run/base:pull,push'], basicUser: 'alice' }]);

    tokens.requests.length = 0;
    const remote = await store.image(`${reg.host}/run/base:latest`);
    const app = await MemoryImage.of([...(await remote!.layers()), await randomLayer(1000)]);
    counters.reset();
    const res = await store.write(app, [`${reg.host}/apps/one:latest`, `${reg.host}/apps/one:v2`]);
    expect(counters.get('mount')).toBe(2);
    expect(inspectRaw(reg, `${reg.host}/apps/one:v2`).digest).toBe(res.digest);
    const scopeSets = tokens.requests.map((r) => r.scopes);
    expect(scopeSets).toContainEqual(['repository:run/base:pull']); // the read
    expect(scopeSets).toContainEqual(['repository:apps/one:pull,push', 'repository:run/base:pull']); // the push
    expect(tokens.requests.length).toBe(2); // one token per scope set, reused by every request

    const all = logger.lines.join('\n');
    for (const t of tokens.issued) expect(all).not.toContain(t);
    expect(all).not.toContain('t0ken-pass');
    expect(all).toContain('Authorization: Bearer [REDACTED]');
  });

  it('uses an identity token from config.json as an OAuth2 refresh_token grant', async () => {
    const dir = join(work, 'cfg');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { identitytoken: 'refresh-s3cr3t' } } }));
    const logger = memoryLogger('debug');
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env: { DOCKER_CONFIG: dir } }), logger }));
    const res = await store.write(await MemoryImage.random(1, 1000), [`${reg.host}/apps/oauth:latest`]);
    expect(inspectRaw(reg, `${reg.host}/apps/oauth:latest`).digest).toBe(res.digest);
    expect(tokens.requests).toEqual([{ method: 'POST', service: 'test-registry', scopes: ['repository:apps/oauth:pull,push'], refreshToken: 'refresh-s3cr3t' }]);
    expect(logger.lines.join('\n')).not.toContain('refresh-s3cr3t');
  });

  it('sends a CNB_REGISTRY_AUTH Bearer value as the token without an exchange', async () => {
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: 'Bearer ready-made' }) } }) }));
    await store.write(await MemoryImage.random(1, 1000), [`${reg.host}/apps/ready:latest`]);
    expect(tokens.requests).toEqual([]);
  });

  it('names registry and realm when the token exchange is refused', async () => {
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: `Basic ${Buffer.from('alice:wrong').toString('base64')}` }) } }) }));
    await expect(store.image(`${reg.host}/apps/one:latest`)).rejects.toMatchObject({
      code: 'ERR_AUTH',
      message: expect.stringMatching(new RegExp(`^registry ${reg.host}: token exchange with 127\\.0\\.0\\.1:\\d+: GET /token.* returned 401 UNAUTHORIZED`)),
    });
  });
});
