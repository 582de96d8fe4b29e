import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { openBody, type Transport } from './types.js';

/** Options of the undici base transport. */
export interface BaseTransportOptions {
  /** Extra trusted CA certificates (PEM), added to Node's roots. NODE_EXTRA_CA_CERTS is honoured by Node itself. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Hosts (`host[:port]`) whose TLS certificates are not verified (insecure registries). */
  readonly insecureHost?: (host: string) => boolean;
  readonly connectTimeoutMs?: number;
  /** Time to wait for response headers (undici headersTimeout). */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two body chunks (undici bodyTimeout). */
  readonly bodyTimeoutMs?: number;
}

/**
 * The innermost transport: one undici request, no retries, no redirects. Two connection pools: one
 * verifying TLS (with the extra CA), one not, used only for insecure hosts. `close()` ends both.
 */
export function baseTransport(opts: BaseTransportOptions = {}): Transport & { close(): Promise<void> } {
  const extra = opts.ca === undefined ? [] : Array.isArray(opts.ca) ? opts.ca : [opts.ca as string | Buffer];
  const common = {
    headersTimeout: opts.headersTimeoutMs ?? 120_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 120_000,
    connectTimeout: opts.connectTimeoutMs ?? 30_000,
  };
  const secure = new Agent({ ...common, connect: extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {} });
  let insecure: Agent | undefined;
  const transport: Transport = async (req, signal) => {
    const url = new URL(req.url);
    const skipVerify = url.protocol === 'https:' && (opts.insecureHost?.(url.host) ?? false);
    const dispatcher = skipVerify ? (insecure ??= new Agent({ ...common, connect: { rejectUnauthorized: false } })) : secure;
    const body = await openBody(req.body);
    const res = await request(url, {
      method: req.method as 'GET',
      headers: { ...req.headers },
      body: body as never,
      dispatcher,
      signal,
    });
    return { status: res.statusCode, headers: res.headers, url: req.url, body: res.body };
  };
  return Object.assign(transport, {
    close: async () => {
      await Promise.all([secure.close(), insecure?.close()]);
    },
  });
}
