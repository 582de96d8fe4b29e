import { dumpBody, header } from '../http/index.js';
import { registryApiHost } from '../ref/index.js';
import type { Transport } from '../http/index.js';

/**
 * GET /v2/ without auth: 'ok' (200, anonymous access), 'auth' (401, the WWW-Authenticate challenge
 * returned), or the status. The auth interceptor pings on its own; this is for diagnostics and tests.
 */
export async function ping(transport: Transport, registry: string, signal?: AbortSignal): Promise<{ status: number; challenge?: string }> {
  const res = await transport({ method: 'GET', url: `https://${registryApiHost(registry)}/v2/` }, signal);
  await dumpBody(res);
  const challenge = header(res, 'www-authenticate');
  return challenge === undefined ? { status: res.status } : { status: res.status, challenge };
}
