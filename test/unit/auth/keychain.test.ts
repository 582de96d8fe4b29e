import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  authConfigFromHeader,
  defaultKeychain,
  dockerConfigKeychain,
  envKeychain,
  multiKeychain,
  preResolvedKeychain,
  registryKey,
  staticAuthenticator,
  type Keychain,
} from '../../../src/auth/index.js';
import type { ProcessRunner, ProcessSpec, ProcessResult } from '../../../src/sys/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'auth-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function creds(k: Keychain, registry: string) {
  return (await k.resolve(registry)).authorization();
}

function configDir(name: string, json: unknown): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'config.json'), typeof json === 'string' ? json : JSON.stringify(json));
  return d;
}

/** A fake ProcessRunner playing docker-credential-* helpers (fakes only here: the real helper runs in integration). */
function fakeRunner(reply: (spec: ProcessSpec) => Partial<ProcessResult>): ProcessRunner & { specs: ProcessSpec[] } {
  const specs: ProcessSpec[] = [];
  return {
    specs,
    run: async (spec) => (specs.push(spec), { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...reply(spec) }),
  };
}

describe('CNB_REGISTRY_AUTH (GEN-09)', () => {
  it('maps registries to Authorization header values, normalizing keys', async () => {
    const k = envKeychain({
      CNB_REGISTRY_AUTH: JSON.stringify({ 'https://index.docker.io/v1/': `Basic ${b64('u:p:x')}`, 'GCR.io': 'Bearer tok', 'r.io:5000': 'Custom abc' }),
    })!;
    expect(await creds(k, 'docker.io')).toEqual({ username: 'u', password: 'p:x' });
    expect(await creds(k, 'gcr.io')).toEqual({ registryToken: 'tok' });
    expect(await creds(k, 'r.io:5000')).toEqual({ header: 'Custom abc' });
    expect(await creds(k, 'other.io')).toEqual({});
  });

  it('is absent when unset and fails clearly (without echoing secrets) when malformed', () => {
    expect(envKeychain({})).toBeUndefined();
    expect(() => envKeychain({ CNB_REGISTRY_AUTH: '{"r.io": "Basic c2VjcmV0' })).toThrow(/^failed to parse CNB_REGISTRY_AUTH: not valid JSON$/);
    expect(() => envKeychain({ CNB_REGISTRY_AUTH: '["x"]' })).toThrow(/not a JSON object/);
    expect(() => envKeychain({ CNB_REGISTRY_AUTH: '{"r.io": 1}' })).toThrow(/value for 'r.io' is not a string/);
  });

  it('decodes header values like REF', () => {
    expect(authConfigFromHeader(`basic ${b64('a:b')}`)).toEqual({ username: 'a', password: 'b' });
    expect(authConfigFromHeader('Basic notbase64userpass')).toEqual({ header: 'Basic notbase64userpass' });
    expect(registryKey('http://localhost:5000/v2/')).toBe('localhost:5000');
    expect(registryKey('not a host')).toBeUndefined();
  });
});

describe('docker config.json', () => {
  it('reads auths (auth, username/password, identitytoken, registrytoken) from DOCKER_CONFIG', async () => {
    const dir = configDir('auths', {
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'r.io': { username: 'ru', password: 'rp' },
        'i.io': { identitytoken: 'refresh' },
        't.io': { registrytoken: 'tok' },
      },
    });
    const k = dockerConfigKeychain({ env: { DOCKER_CONFIG: dir } });
    expect(await creds(k, 'docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(await creds(k, 'r.io')).toEqual({ username: 'ru', password: 'rp' });
    expect(await creds(k, 'i.io')).toEqual({ identityToken: 'refresh' });
    expect(await creds(k, 't.io')).toEqual({ registryToken: 'tok' });
    expect(await creds(k, 'none.io')).toEqual({});
  });

  it('falls back to $HOME/.docker and to anonymous when there is no file', async () => {
    const home = join(tmp, 'home');
    configDir('home/.docker', { auths: { 'h.io': { auth: b64('a:b') } } });
    expect(await creds(dockerConfigKeychain({ env: { HOME: home } }), 'h.io')).toEqual({ username: 'a', password: 'b' });
    expect(await creds(dockerConfigKeychain({ env: { DOCKER_CONFIG: join(tmp, 'missing') } }), 'h.io')).toEqual({});
    expect(await creds(dockerConfigKeychain({ env: {} }), 'h.io')).toEqual({});
  });

  it('fails with an error naming the file when config.json is not JSON', async () => {
    const dir = configDir('broken', '{ nope');
    await expect(dockerConfigKeychain({ env: { DOCKER_CONFIG: dir } }).resolve('r.io')).rejects.toThrow(`failed to parse docker config ${join(dir, 'config.json')}: not valid JSON`);
  });

  it('runs a credHelper only for its own host, lazily, with the server URL on stdin', async () => {
    const dir = configDir('helpers', { credHelpers: { 'h.io': 'mine' }, auths: { 'a.io': { auth: b64('x:y') } } });
    const runner = fakeRunner(() => ({ stdout: JSON.stringify({ ServerURL: 'h.io', Username: 'hu', Secret: 'hs' }) }));
    const k = dockerConfigKeychain({ env: { DOCKER_CONFIG: dir, PATH: '/bin' }, runner, helperTimeoutMs: 1234 });
    const auth = await k.resolve('h.io');
    expect(runner.specs).toHaveLength(0); // lazy: nothing runs until credentials are needed
    expect(await auth.authorization()).toEqual({ username: 'hu', password: 'hs' });
    expect(await auth.authorization()).toEqual({ username: 'hu', password: 'hs' });
    expect(runner.specs).toHaveLength(1);
    expect(runner.specs[0]).toMatchObject({ command: 'docker-credential-mine', args: ['get'], stdin: 'h.io', timeoutMs: 1234, output: 'capture' });
    expect(await creds(k, 'a.io')).toEqual({ username: 'x', password: 'y' });
    expect(await creds(k, 'other.io')).toEqual({});
    expect(runner.specs).toHaveLength(1);
  });

  it('uses credsStore for every host, Hub with its historical server URL, and <token> as identity token', async () => {
    const dir = configDir('store', { credsStore: 'desktop', auths: { 'fallback.io': { auth: b64('f:g') } } });
    const runner = fakeRunner((s) =>
      s.stdin === 'fallback.io' ? { exitCode: 1, stdout: 'credentials not found in native keychain' } : { stdout: JSON.stringify({ Username: '<token>', Secret: `id-for-${String(s.stdin)}` }) },
    );
    const k = dockerConfigKeychain({ env: { DOCKER_CONFIG: dir }, runner });
    expect(await creds(k, 'docker.io')).toEqual({ identityToken: 'id-for-https://index.docker.io/v1/' });
    expect(await creds(k, 'fallback.io')).toEqual({ username: 'f', password: 'g' });
  });

  it('reports helper timeouts and failures without their output', async () => {
    const dir = configDir('bad-helper', { credHelpers: { 'slow.io': 'slow', 'bad.io': 'bad', 'junk.io': 'junk' } });
    const runner = fakeRunner((s) =>
      s.command.endsWith('slow') ? { timedOut: true, exitCode: 137 } : s.command.endsWith('bad') ? { exitCode: 3, stderr: 'SECRET-ish' } : { stdout: 'not json SECRET' },
    );
    const k = dockerConfigKeychain({ env: { DOCKER_CONFIG: dir }, runner });
    await expect(creds(k, 'slow.io')).rejects.toThrow('credential helper docker-credential-slow for registry slow.io timed out');
    await expect(creds(k, 'bad.io')).rejects.toThrow(/^credential helper docker-credential-bad for registry bad.io exited with code 3$/);
    await expect(creds(k, 'junk.io')).rejects.toThrow(/^credential helper docker-credential-junk for registry junk.io printed invalid JSON$/);
  });
});

describe('keychain composition', () => {
  it('multiKeychain takes the first non-anonymous credentials; defaultKeychain puts CNB_REGISTRY_AUTH first', async () => {
    const a: Keychain = { resolve: async (r) => staticAuthenticator(r === 'x.io' ? { username: 'a', password: '1' } : {}) };
    const b: Keychain = { resolve: async () => staticAuthenticator({ username: 'b', password: '2' }) };
    const m = multiKeychain(a, undefined, b);
    expect(await creds(m, 'x.io')).toEqual({ username: 'a', password: '1' });
    expect(await creds(m, 'y.io')).toEqual({ username: 'b', password: '2' });
    expect(await creds(multiKeychain(), 'y.io')).toEqual({});

    const dir = configDir('both', { auths: { 'x.io': { auth: b64('cfg:1') }, 'y.io': { auth: b64('cfg:2') } } });
    const d = defaultKeychain({ env: { DOCKER_CONFIG: dir, CNB_REGISTRY_AUTH: JSON.stringify({ 'x.io': `Basic ${b64('env:1')}` }) } });
    expect(await creds(d, 'x.io')).toEqual({ username: 'env', password: '1' });
    expect(await creds(d, 'y.io')).toEqual({ username: 'cfg', password: '2' });
  });

  it('preResolvedKeychain resolves now and only replays later', async () => {
    let calls = 0;
    const k: Keychain = { resolve: async (r) => ({ authorization: async () => (calls++, { username: r, password: 'p' }) }) };
    const pre = await preResolvedKeychain(k, ['a.io', 'a.io', 'b.io']);
    expect(calls).toBe(2);
    expect(await creds(pre, 'a.io')).toEqual({ username: 'a.io', password: 'p' });
    expect(await creds(pre, 'c.io')).toEqual({});
    expect(calls).toBe(2);
  });
});
