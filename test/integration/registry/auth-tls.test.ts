import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKeychain, multiKeychain } from '../../../src/auth/index.js';
import { createRegistryStore } from '../../../src/registry/index.js';
import { memoryLogger, SpawnProcessRunner } from '../../../src/sys/index.js';
import { MemoryImage } from '../../helpers/memory-image.js';
import { startRegistry, type RegistryServer } from '../../helpers/registry-server.js';
import { copyAndValidate, inspectRaw } from './tools.js';

describe('htpasswd + TLS registry (GEN-09)', () => {
  let reg: RegistryServer;
  let work: string;
  const stores: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(s: T) => (stores.push(s), s);
  const basic = () => `Basic ${Buffer.from(`${reg.user}:${reg.password}`).toString('base64')}`;

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'htpasswd', tls: true });
    work = mkdtempSync(join(tmpdir(), 'reg-tls-'));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('pushes with CNB_REGISTRY_AUTH over verified TLS (custom CA) and logs no credential', async () => {
    const logger = memoryLogger('debug');
    const keychain = defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: basic() }) } });
    const store = track(createRegistryStore({ keychain, ca: reg.caPem, logger }));
    const img = await MemoryImage.random(2, 8000);
    const res = await store.write(img, [`${reg.host}/secure/app:latest`]);
    expect(inspectRaw(reg, `${reg.host}/secure/app:latest`).digest).toBe(res.digest);
    copyAndValidate(reg, `${reg.host}/secure/app:latest`, join(work, 'layout'));
    expect(logger.lines.some((l) => l.includes(`https://${reg.host}/v2/`))).toBe(true);
    expect(logger.lines.some((l) => l.includes('Authorization: Basic [REDACTED]'))).toBe(true);
    const all = logger.lines.join('\n');
    expect(all).not.toContain(reg.password);
    expect(all).not.toContain(basic().slice(6));
  });

  it('pushes with credentials from a docker config.json (DOCKER_CONFIG)', async () => {
    const dir = join(work, 'docker-cfg');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [`https://${reg.host}`]: { auth: basic().slice(6) } } }));
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env: { DOCKER_CONFIG: dir } }), ca: reg.caPem }));
    const res = await store.write(await MemoryImage.random(1, 2000), [`${reg.host}/secure/cfg:latest`]);
    expect(inspectRaw(reg, `${reg.host}/secure/cfg:latest`).digest).toBe(res.digest);
    await expect(store.checkWriteAccess(`${reg.host}/secure/cfg:latest`)).resolves.toBeUndefined();
    await expect(store.checkReadAccess(`${reg.host}/secure/cfg:latest`)).resolves.toBeUndefined();
  });

  it('runs a credential helper only for its own host', async () => {
    const dir = join(work, 'helper-cfg');
    const bin = join(work, 'bin');
    mkdirSync(dir);
    mkdirSync(bin);
    const log = join(work, 'helper.log');
    const script = join(bin, 'docker-credential-testhelper');
    writeFileSync(
      script,
      `#!/bin/sh\nread server\necho "$1 $server" >> ${log}\nprintf '{"ServerURL":"%s","Username":"${reg.user}","Secret":"${reg.password}"}' "$server"\n`,
    );
    chmodSync(script, 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'testhelper' } }));
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}` };
    const store = track(createRegistryStore({ keychain: defaultKeychain({ env, runner: new SpawnProcessRunner() }), ca: reg.caPem }));
    const res = await store.write(await MemoryImage.random(1, 2000), [`${reg.host}/secure/helper:latest`]);
    expect(inspectRaw(reg, `${reg.host}/secure/helper:latest`).digest).toBe(res.digest);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`get ${reg.host}`]);
    // The same server under another name: not the helper's host, so no helper run and no credentials.
    const other = `localhost:${reg.port}`;
    await expect(store.write(await MemoryImage.random(1, 100), [`${other}/secure/helper:latest`])).rejects.toMatchObject({
      code: 'ERR_AUTH',
      message: expect.stringContaining(`registry ${other}`),
    });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('fails with a clear error naming the registry without credentials, or with wrong ones', async () => {
    const anon = track(createRegistryStore({ keychain: multiKeychain(), ca: reg.caPem }));
    await expect(anon.checkWriteAccess(`${reg.host}/secure/app:latest`)).rejects.toMatchObject({
      code: 'ERR_AUTH',
      message: expect.stringMatching(new RegExp(`^no write access to image '${reg.host}/secure/app:latest' on registry ${reg.host}: .*401`)),
    });
    await expect(anon.checkReadAccess(`${reg.host}/secure/app:latest`)).rejects.toThrow(/no read access to image/);
    const wrong = track(createRegistryStore({ keychain: defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: 'Basic ' + Buffer.from('tester:nope').toString('base64') }) } }), ca: reg.caPem }));
    const err = await wrong.image(`${reg.host}/secure/app:latest`).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'ERR_AUTH' });
    expect((err as Error).message).toMatch(new RegExp(`^registry ${reg.host}: .*returned 401 UNAUTHORIZED`));
    expect((err as Error).message).not.toContain('nope');
  });

  it('refuses an unverifiable certificate unless the registry is insecure', async () => {
    const noCa = track(createRegistryStore({ keychain: defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: basic() }) } }) }));
    await expect(noCa.image(`${reg.host}/secure/app:latest`)).rejects.toThrow(new RegExp(`registry ${reg.host}: .*(certificate|CERT|UNABLE_TO_VERIFY)`));
    const insecure = track(
      createRegistryStore({ keychain: defaultKeychain({ env: { CNB_REGISTRY_AUTH: JSON.stringify({ [reg.host]: basic() }) } }), insecureRegistries: [reg.host] }),
    );
    const img = await insecure.image(`${reg.host}/secure/app:latest`);
    expect(img).toBeDefined();
    expect(existsSync(join(work, 'layout'))).toBe(true);
  });
});
