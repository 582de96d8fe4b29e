import { isLocalRegistry } from '../ref/index.js';
import { isReopenable, type Interceptor } from './types.js';

/**
 * Errors that say "this port does not speak TLS" (a plain-HTTP registry), as opposed to certificate
 * failures, which must never be downgraded silently for a secure host.
 */
function notTls(e: unknown): boolean {
  for (let cur: unknown = e, d = 0; cur && d < 6; cur = (cur as { cause?: unknown }).cause, d++) {
    const code = String((cur as { code?: unknown }).code ?? '');
    const msg = String((cur as { message?: unknown }).message ?? '');
    if (code === 'EPROTO' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code.startsWith('ERR_SSL_') || /wrong version number|packet length too long|http request/i.test(msg)) return true;
  }
  return false;
}

/** Options of the scheme interceptor. */
export interface SchemeOptions {
  /** Hosts named by -insecure-registry / CNB_INSECURE_REGISTRIES (normalized `host[:port]`). */
  readonly insecure: (host: string) => boolean;
}

/**
 * Insecure-registry scheme handling (GEN-05, -insecure-registry), as REF does it: registry URLs are written
 * `https://`; for an insecure host, or a local one (localhost, loopback, RFC 1918, *.local), the first
 * request tries HTTPS (TLS not verified for insecure hosts, see baseTransport) and falls back to plain
 * HTTP when the port does not speak TLS. The outcome is remembered per host (single-flight).
 * Secure remote hosts are never downgraded; certificate errors are never downgraded for local hosts.
 */
export function schemeInterceptor(opts: SchemeOptions): Interceptor {
  const decided = new Map<string, Promise<'https:' | 'http:'>>();
  return (next) => async (req, signal) => {
    const url = new URL(req.url);
    if (url.protocol !== 'https:') return next(req, signal);
    const host = url.host;
    const allowHttp = opts.insecure(host) || isLocalRegistry(host);
    if (!allowHttp) return next(req, signal);
    const toHttp = () => {
      const u = new URL(req.url);
      u.protocol = 'http:';
      return { ...req, url: u.toString() };
    };
    const known = decided.get(host);
    if (known) return (await known) === 'http:' ? next(toHttp(), signal) : next(req, signal);
    let settle!: (p: 'https:' | 'http:') => void;
    decided.set(host, new Promise((r) => (settle = r)));
    try {
      const res = await next(req, signal);
      settle('https:');
      return res;
    } catch (e) {
      if (!notTls(e) || !isReopenable(req)) {
        decided.delete(host);
        settle('https:');
        throw e;
      }
      settle('http:');
      return next(toHttp(), signal);
    }
  };
}
