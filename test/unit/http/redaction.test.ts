import { describe, expect, it } from 'vitest';
import { authConfigFromHeader, staticAuthenticator, type AuthConfig, type Keychain } from '../../../src/auth/index.js';
import { readBody, redactHeader, redactUrl, registryTransport, REDACTED, defaultRetryPolicy } from '../../../src/http/index.js';
import { LOG_LEVELS, memoryLogger } from '../../../src/sys/index.js';
import { fakeTransport, type Reply } from './fake-transport.js';

const PASSWORD = 'hunter2-PASSWORD';
const B64 = Buffer.from(`bob:${PASSWORD}`).toString('base64');
const TOKEN = 'TOKEN-SECRET-42';
const REFRESH = 'REFRESH-SECRET-7';
const SECRETS = [PASSWORD, B64, TOKEN, REFRESH, 'SIGSECRET', 'CREDSECRET', 'STATESECRET'];

function keychain(c: AuthConfig): Keychain {
  return { resolve: async () => staticAuthenticator(c) };
}

/** A registry that wants a bearer token, redirects blobs to signed storage URLs and fails one request. */
function fakeRegistry() {
  return fakeTransport((req): Reply => {
    const u = new URL(req.url);
    const auth = req.headers?.['Authorization'];
    if (u.host === 'auth.example') {
      return req.method === 'POST' ? { status: 200, body: JSON.stringify({ access_token: TOKEN }) } : { status: 200, body: JSON.stringify({ token: TOKEN }) };
    }
    if (u.host === 'storage.example') return { status: 200, body: 'blob' };
    if (auth !== `Bearer ${TOKEN}`) return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="https://auth.example/token",service="svc"' } };
    if (u.pathname.endsWith('/blobs/sha256:1')) return { status: 307, headers: { Location: 'https://storage.example/b?X-Amz-Signature=SIGSECRET&X-Amz-Credential=CREDSECRET' } };
    if (u.pathname.includes('/uploads/')) return { status: 202, headers: { Location: 'https://reg.example/v2/app/blobs/uploads/u1?_state=STATESECRET' } };
    return { status: 403, body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }) };
  });
}

describe('redaction', () => {
  it('redacts URLs and credential headers', () => {
    expect(redactUrl('https://u:p@h/v2/x?digest=sha256:1&_state=abc&X-Amz-Signature=s')).toBe(`https://h/v2/x?digest=sha256:1&_state=${REDACTED}&X-Amz-Signature=${REDACTED}`);
    expect(redactUrl('https://h/token?scope=repository:a:pull&service=s')).toBe('https://h/token?scope=repository:a:pull&service=s');
    expect(redactHeader('Authorization', `Basic ${B64}`)).toBe(`Basic ${REDACTED}`);
    expect(redactHeader('authorization', TOKEN)).toBe(REDACTED);
    expect(redactHeader('Content-Type', 'application/json')).toBe('application/json');
  });

  for (const creds of [{ username: 'bob', password: PASSWORD }, { identityToken: REFRESH }, authConfigFromHeader(`Basic ${B64}`), authConfigFromHeader(`Bearer ${TOKEN}`)] as AuthConfig[]) {
    it(`logs no credential at any level through a whole auth flow (${Object.keys(creds).join(',')})`, async () => {
      for (const level of LOG_LEVELS) {
        const logger = memoryLogger(level);
        const t = registryTransport({ keychain: keychain(creds), base: fakeRegistry(), logger, retryPolicy: defaultRetryPolicy({ sleep: async () => undefined }) });
        const blob = await t({ method: 'GET', url: 'https://reg.example/v2/app/blobs/sha256:1', registry: 'reg.example' });
        expect((await readBody(blob)).toString()).toBe('blob');
        const up = await t({ method: 'POST', url: 'https://reg.example/v2/app/blobs/uploads/', registry: 'reg.example' });
        expect(up.status).toBe(202);
        const denied = await t({ method: 'PUT', url: 'https://reg.example/v2/app/manifests/x', registry: 'reg.example', body: 'm' });
        expect(denied.status).toBe(403);
        const all = logger.lines.join('\n');
        for (const s of SECRETS) expect(all).not.toContain(s);
        if (level === 'debug') {
          expect(all).toContain('https://storage.example/b?X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]');
          expect(all).toMatch(/Authorization: (Basic|Bearer) \[REDACTED\]/);
        }
      }
    });
  }

  it('puts no credential into RegistryError messages', async () => {
    const { errorFromResponse } = await import('../../../src/http/index.js');
    const base = fakeRegistry();
    const res = await base({ method: 'PUT', url: 'https://reg.example/v2/app/manifests/x', headers: { Authorization: `Bearer ${TOKEN}` } });
    const err = await errorFromResponse({ method: 'PUT', url: 'https://reg.example/v2/app/manifests/x?_state=STATESECRET', registry: 'reg.example', headers: { Authorization: `Bearer ${TOKEN}` } }, res);
    expect(err.message).toBe(`registry reg.example: PUT /v2/app/manifests/x?_state=${REDACTED} returned 403 DENIED: requested access to the resource is denied`);
    expect(err.code).toBe('ERR_AUTH');
  });
});
