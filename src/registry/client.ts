import { errorFromException, errorFromResponse, type HttpRequest, type HttpResponse, type Transport } from '../http/index.js';
import { registryApiHost } from '../ref/index.js';
import type { RegistryEvents } from './events.js';

/**
 * Everything an endpoint function needs to talk to one repository: the HTTP stack, the registry name
 * (as src/ref normalizes it), the repository, and the token scopes to ask for (all requests of one push
 * share one scope set, so one token exchange serves them all).
 */
export interface RepoClient {
  readonly transport: Transport;
  readonly registry: string;
  readonly repository: string;
  readonly scopes?: readonly string[];
  readonly events?: RegistryEvents;
}

/** A repo client for another repository on the same registry (same transport, events and scopes). */
export function forRepository(c: RepoClient, repository: string, scopes?: readonly string[]): RepoClient {
  return { ...c, repository, scopes: scopes ?? c.scopes };
}

/** `https://<api host>/v2/<repository>/<path>`; the scheme interceptor downgrades insecure hosts. */
export function repoUrl(c: RepoClient, path: string): string {
  return `https://${registryApiHost(c.registry)}/v2/${c.repository}/${path}`;
}

/** Sends `req` (adding registry and scopes); a network failure becomes a RegistryError naming the registry. */
export async function send(c: RepoClient, req: Omit<HttpRequest, 'registry'>, signal?: AbortSignal): Promise<{ req: HttpRequest; res: HttpResponse }> {
  const full: HttpRequest = { ...req, registry: c.registry, scopes: req.scopes ?? c.scopes };
  try {
    return { req: full, res: await c.transport(full, signal) };
  } catch (e) {
    if (signal?.aborted) throw e;
    throw errorFromException(full, e);
  }
}

/** Sends `req` and requires one of `ok` statuses; any other status becomes a RegistryError (body consumed). */
export async function expect(c: RepoClient, req: Omit<HttpRequest, 'registry'>, ok: readonly number[], what: string, signal?: AbortSignal): Promise<HttpResponse> {
  const { req: full, res } = await send(c, req, signal);
  if (ok.includes(res.status)) return res;
  throw await errorFromResponse(full, res, what);
}
