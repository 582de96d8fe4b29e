import type { AuthConfig, Authenticator, Keychain } from '../auth/index.js';
import { errorFromException } from './registry-error.js';
import { defaultScopes, mergeScopes } from './scopes.js';
import { fetchToken, type BearerToken } from './token.js';
import { dumpBody, headerValues, isReopenable, type HttpRequest, type HttpResponse, type Interceptor, type Transport } from './types.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

/** Options of the auth interceptor. */
export interface AuthInterceptorOptions {
  readonly keychain: Keychain;
  /** OAuth2 client_id sent with refresh-token grants. */
  readonly clientId?: string;
  readonly now?: () => number;
}

interface RegistryState {
  challenge?: Promise<Challenge | undefined>;
  authenticator?: Promise<Authenticator>;
  readonly tokens: Map<string, Promise<BearerToken>>;
}

/** Prefers Bearer over Basic when a registry offers both. */
function pick(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? challenges[0];
}

function hasAuthorization(req: HttpRequest): boolean {
  return Object.keys(req.headers ?? {}).some((h) => h.toLowerCase() === 'authorization');
}

function basicHeader(c: AuthConfig): string | undefined {
  if (c.username === undefined && c.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

/**
 * The registry auth challenge (DESIGN §6.7 step 7), for requests that carry `registry`:
 * 1. ping `/v2/` once per registry (single-flight) and parse WWW-Authenticate;
 * 2. none → anonymous; Basic → the keychain's credentials; Bearer → a token for the request's scopes
 *    (exchanged once per scope set, cached until expiry, single-flight);
 * 3. on a 401 the challenge is re-read from that response (its `scope` added), the token refreshed,
 *    and the request sent once more.
 * The keychain is asked only for registries that challenge, so credential helpers run only when needed.
 */
export function authInterceptor(opts: AuthInterceptorOptions): Interceptor {
  const now = opts.now ?? Date.now;
  const clientId = opts.clientId ?? 'cnb-lifecycle';
  const states = new Map<string, RegistryState>();
  return (next) => {
    const ping = async (req: HttpRequest, signal?: AbortSignal): Promise<Challenge | undefined> => {
      const pingReq: HttpRequest = { method: 'GET', url: new URL('/v2/', req.url).toString(), headers: { ...pickUserAgent(req) } };
      let res: HttpResponse;
      try {
        res = await next(pingReq, signal);
      } catch (e) {
        throw errorFromException({ ...pingReq, registry: req.registry }, e, 'ping');
      }
      await dumpBody(res);
      return res.status === 401 ? pick(parseWwwAuthenticate(headerValues(res, 'www-authenticate'))) : undefined;
    };
    const credentials = async (registry: string, st: RegistryState, signal?: AbortSignal) => {
      st.authenticator ??= opts.keychain.resolve(registry, signal);
      return (await st.authenticator).authorization(signal);
    };
    const authorization = async (req: HttpRequest, st: RegistryState, ch: Challenge | undefined, scopes: string[], refresh: boolean, signal?: AbortSignal) => {
      if (!ch) return undefined;
      const registry = req.registry as string;
      const creds = await credentials(registry, st, signal);
      if (creds.header) return creds.header;
      if (ch.scheme === 'basic') return basicHeader(creds) ?? (creds.registryToken ? `Bearer ${creds.registryToken}` : undefined);
      if (ch.scheme !== 'bearer' || !ch.params['realm']) return undefined;
      const key = scopes.join(' ');
      const cached = st.tokens.get(key);
      if (cached && !refresh) {
        const t = await cached.catch(() => undefined);
        if (t && t.expiresAt > now()) return `Bearer ${t.token}`;
      }
      const p = fetchToken(next, { registry, realm: ch.params['realm'], service: ch.params['service'], scopes, auth: creds, clientId, now }, signal);
      st.tokens.set(key, p);
      p.catch(() => st.tokens.get(key) === p && st.tokens.delete(key));
      return `Bearer ${(await p).token}`;
    };
    const send: Transport = async (req, signal) => {
      if (req.registry === undefined || hasAuthorization(req)) return next(req, signal);
      let st = states.get(req.registry);
      if (!st) states.set(req.registry, (st = { tokens: new Map() }));
      const challenge = (st.challenge ??= ping(req, signal));
      challenge.catch(() => st.challenge === challenge && delete st.challenge);
      let ch = await challenge;
      let scopes = mergeScopes(req.scopes ?? defaultScopes(req));
      const authz = await authorization(req, st, ch, scopes, false, signal);
      const res = await next(authz ? { ...req, headers: { ...req.headers, Authorization: authz } } : req, signal);
      if (res.status !== 401 || !isReopenable(req)) return res;
      const fresh = pick(parseWwwAuthenticate(headerValues(res, 'www-authenticate')));
      if (!fresh) return res;
      ch = fresh;
      st.challenge = Promise.resolve(fresh);
      if (fresh.params['scope']) scopes = mergeScopes(scopes, fresh.params['scope'].split(' '));
      const again = await authorization(req, st, ch, scopes, true, signal);
      if (again === undefined || (again === authz && fresh.scheme !== 'bearer')) return res;
      await dumpBody(res);
      return next({ ...req, headers: { ...req.headers, Authorization: again } }, signal);
    };
    return send;
  };
}

function pickUserAgent(req: HttpRequest): Record<string, string> {
  const ua = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'user-agent');
  return ua ? { 'User-Agent': ua[1] } : {};
}
