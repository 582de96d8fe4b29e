import type { AuthConfig } from '../auth/index.js';
import { errorFromException, errorFromResponse, RegistryError } from './registry-error.js';
import { readBody, type HttpRequest, type Transport } from './types.js';

/** A bearer token and when it stops being usable (ms since epoch). */
export interface BearerToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Parameters of a token exchange (docker token auth / OAuth2, distribution "token" spec). */
export interface TokenRequest {
  readonly registry: string;
  readonly realm: string;
  readonly service?: string;
  readonly scopes: readonly string[];
  readonly auth: AuthConfig;
  readonly clientId: string;
  readonly now: () => number;
}

function basic(auth: AuthConfig): string | undefined {
  return auth.username !== undefined || auth.password !== undefined
    ? `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}`
    : undefined;
}

async function send(next: Transport, req: HttpRequest, t: TokenRequest, signal?: AbortSignal): Promise<BearerToken | 'fallback'> {
  let res;
  try {
    res = await next(req, signal);
  } catch (e) {
    throw errorFromException({ ...req, registry: t.registry }, e, `token exchange with ${new URL(t.realm).host}`);
  }
  if (req.method === 'POST' && (res.status === 404 || res.status === 405)) {
    await readBody(res, 0);
    return 'fallback';
  }
  if (res.status !== 200) {
    // `registry` only names the registry in the message; this request is already below the auth interceptor.
    const err = await errorFromResponse({ ...req, registry: t.registry }, res, `token exchange with ${new URL(t.realm).host}`);
    throw new RegistryError({ registry: t.registry, message: err.message, status: res.status === 200 ? 401 : res.status, errors: err.errors, retryable: err.retryable });
  }
  let json: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    json = JSON.parse((await readBody(res, 1024 * 1024)).toString('utf8')) as typeof json;
  } catch {
    throw new RegistryError({ registry: t.registry, message: `registry ${t.registry}: token exchange with ${new URL(t.realm).host}: reply is not JSON`, status: 401 });
  }
  const token = typeof json.token === 'string' && json.token !== '' ? json.token : typeof json.access_token === 'string' ? json.access_token : '';
  if (token === '') throw new RegistryError({ registry: t.registry, message: `registry ${t.registry}: token exchange with ${new URL(t.realm).host}: reply has no token`, status: 401 });
  // Docker token spec: expires_in defaults to 60 s. Refresh 10 s early; a 401 refreshes anyway.
  const ttl = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 60;
  return { token, expiresAt: t.now() + Math.max(1, ttl - 10) * 1000 };
}

/**
 * Exchanges credentials for a bearer token at the challenge's realm. A registry token is used as is;
 * an identity (refresh) token is POSTed as an OAuth2 refresh_token grant (falling back to GET on 404/405);
 * username/password go as Basic on a GET; no credentials → anonymous GET. Scopes are sent one per `scope`.
 * Token requests carry no `registry`, so the auth interceptor leaves them alone; the logger never sees
 * their bodies.
 */
export async function fetchToken(next: Transport, t: TokenRequest, signal?: AbortSignal): Promise<BearerToken> {
  if (t.auth.registryToken) return { token: t.auth.registryToken, expiresAt: Number.POSITIVE_INFINITY };
  if (t.auth.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: t.auth.identityToken, client_id: t.clientId });
    if (t.service) form.set('service', t.service);
    if (t.scopes.length > 0) form.set('scope', t.scopes.join(' '));
    const r = await send(next, { method: 'POST', url: t.realm, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() }, t, signal);
    if (r !== 'fallback') return r;
  }
  const url = new URL(t.realm);
  if (t.service) url.searchParams.set('service', t.service);
  for (const s of t.scopes) url.searchParams.append('scope', s);
  const auth = basic(t.auth);
  const r = await send(next, { method: 'GET', url: url.toString(), headers: auth ? { Authorization: auth } : {} }, t, signal);
  if (r === 'fallback') throw new RegistryError({ registry: t.registry, message: `registry ${t.registry}: token exchange failed`, status: 401 });
  return r;
}
