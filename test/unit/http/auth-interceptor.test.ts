import { describe, expect, it } from 'vitest';
import { staticAuthenticator, type AuthConfig, type Keychain } from '../../../src/auth/index.js';
import { authInterceptor, compose, defaultScopes, mergeScopes } from '../../../src/http/index.js';
import { fakeTransport } from './fake-transport.js';

function countingKeychain(c: AuthConfig): Keychain & { calls: string[] } {
  const calls: string[] = [];
  return { calls, resolve: async (r) => (calls.push(r), staticAuthenticator(c)) };
}

const BEARER = 'Bearer realm="https://auth.example/token",service="svc"';

describe('authInterceptor', () => {
  it('stays anonymous (and never asks the keychain) when /v2/ answers 200', async () => {
    const base = fakeTransport(() => ({ status: 200 }));
    const kc = countingKeychain({ username: 'u', password: 'p' });
    const t = compose(base, authInterceptor({ keychain: kc }));
    await t({ method: 'GET', url: 'https://r.io/v2/a/manifests/x', registry: 'r.io' });
    await t({ method: 'GET', url: 'https://r.io/v2/a/manifests/y', registry: 'r.io' });
    expect(base.seen.map((s) => `${s.req.method} ${new URL(s.req.url).pathname} ${s.req.headers?.['Authorization'] ?? '-'}`)).toEqual([
      'GET /v2/ -',
      'GET /v2/a/manifests/x -',
      'GET /v2/a/manifests/y -',
    ]);
    expect(kc.calls).toEqual([]);
  });

  it('sends Basic credentials to a Basic challenge', async () => {
    const base = fakeTransport((req) => (req.headers?.['Authorization'] ? { status: 200 } : { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="r"' } }));
    const t = compose(base, authInterceptor({ keychain: countingKeychain({ username: 'u', password: 'p' }) }));
    expect((await t({ method: 'GET', url: 'https://r.io/v2/a/tags/list', registry: 'r.io' })).status).toBe(200);
    expect(base.seen[1]?.req.headers?.['Authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('pings once, exchanges one token per scope set, and reuses it', async () => {
    const base = fakeTransport((req) => {
      const u = new URL(req.url);
      if (u.host === 'auth.example') return { status: 200, body: JSON.stringify({ token: `t-${u.searchParams.getAll('scope').join('+')}` }) };
      return req.headers?.['Authorization']?.startsWith('Bearer t-') ? { status: 200 } : { status: 401, headers: { 'WWW-Authenticate': BEARER } };
    });
    const t = compose(base, authInterceptor({ keychain: countingKeychain({ username: 'u', password: 'p' }) }));
    const scopes = ['repository:app:pull,push', 'repository:base:pull'];
    await Promise.all([1, 2, 3].map((i) => t({ method: 'HEAD', url: `https://r.io/v2/app/blobs/sha256:${i}`, registry: 'r.io', scopes })));
    const tokenReqs = base.seen.filter((s) => s.req.url.startsWith('https://auth.example'));
    expect(base.seen.filter((s) => s.req.url === 'https://r.io/v2/')).toHaveLength(1);
    expect(tokenReqs).toHaveLength(1);
    const tu = new URL(tokenReqs[0]!.req.url);
    expect(tu.searchParams.get('service')).toBe('svc');
    expect(tu.searchParams.getAll('scope')).toEqual(['repository:app:pull,push', 'repository:base:pull']);
    expect(tokenReqs[0]!.req.headers?.['Authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('refreshes the token on 401 with the scope the registry asks for, then retries once', async () => {
    let tokens = 0;
    const base = fakeTransport((req) => {
      const u = new URL(req.url);
      if (u.host === 'auth.example') return { status: 200, body: JSON.stringify({ token: `t${++tokens}`, expires_in: 300 }) };
      const a = req.headers?.['Authorization'];
      if (a === 'Bearer t2') return { status: 201 };
      return { status: 401, headers: { 'WWW-Authenticate': `${BEARER},scope="repository:app:pull,push,delete"` } };
    });
    const t = compose(base, authInterceptor({ keychain: countingKeychain({}) }));
    const res = await t({ method: 'PUT', url: 'https://r.io/v2/app/manifests/v1', registry: 'r.io', body: 'manifest' });
    expect(res.status).toBe(201);
    const second = new URL(base.seen.filter((s) => s.req.url.startsWith('https://auth.example'))[1]!.req.url);
    expect(second.searchParams.getAll('scope')).toEqual(['repository:app:delete,pull,push']);
    expect(base.seen.at(-1)?.body).toBe('manifest');
  });

  it('uses an identity token as an OAuth2 refresh grant and a registry token as is', async () => {
    const base = fakeTransport((req) => {
      if (new URL(req.url).host === 'auth.example') return { status: 200, body: JSON.stringify({ access_token: 'from-refresh' }) };
      return req.headers?.['Authorization'] ? { status: 200 } : { status: 401, headers: { 'WWW-Authenticate': BEARER } };
    });
    await compose(base, authInterceptor({ keychain: countingKeychain({ identityToken: 'rt' }) }))({ method: 'GET', url: 'https://r.io/v2/a/manifests/x', registry: 'r.io' });
    const post = base.seen.find((s) => s.req.method === 'POST');
    expect(new URLSearchParams(post!.body).get('grant_type')).toBe('refresh_token');
    expect(new URLSearchParams(post!.body).get('refresh_token')).toBe('rt');
    expect(base.seen.at(-1)?.req.headers?.['Authorization']).toBe('Bearer from-refresh');

    const b2 = fakeTransport((req) => (req.headers?.['Authorization'] ? { status: 200 } : { status: 401, headers: { 'WWW-Authenticate': BEARER } }));
    await compose(b2, authInterceptor({ keychain: countingKeychain({ registryToken: 'ready' }) }))({ method: 'GET', url: 'https://r.io/v2/a/manifests/x', registry: 'r.io' });
    expect(b2.seen.some((s) => s.req.url.startsWith('https://auth.example'))).toBe(false);
    expect(b2.seen.at(-1)?.req.headers?.['Authorization']).toBe('Bearer ready');
  });

  it('derives and merges scopes', () => {
    expect(defaultScopes({ method: 'GET', url: 'https://r/v2/a/b/manifests/x' })).toEqual(['repository:a/b:pull']);
    expect(defaultScopes({ method: 'POST', url: 'https://r/v2/a/blobs/uploads/?mount=sha256:1&from=c/d' })).toEqual(['repository:a:pull,push', 'repository:c/d:pull']);
    expect(defaultScopes({ method: 'GET', url: 'https://r/v2/' })).toEqual([]);
    expect(mergeScopes(['repository:a:pull'], ['repository:a:push', 'repository:b:pull'])).toEqual(['repository:a:pull,push', 'repository:b:pull']);
  });
});
