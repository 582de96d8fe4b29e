import { dumpBody, header, type Interceptor } from './types.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Follows redirects of GET and HEAD (blob downloads are redirected to storage), at most `max` hops.
 * Credentials are dropped when the redirect leaves the original host.
 */
export function redirectInterceptor(max = 5): Interceptor {
  return (next) => async (req, signal) => {
    let cur = req;
    for (let hop = 0; ; hop++) {
      const res = await next(cur, signal);
      const loc = header(res, 'location');
      if (!REDIRECTS.has(res.status) || loc === undefined || (cur.method !== 'GET' && cur.method !== 'HEAD') || hop >= max) return res;
      await dumpBody(res);
      const target = new URL(loc, cur.url);
      const sameHost = target.host === new URL(cur.url).host;
      const headers = Object.fromEntries(Object.entries(cur.headers ?? {}).filter(([k]) => sameHost || k.toLowerCase() !== 'authorization'));
      cur = sameHost ? { ...cur, url: target.toString(), headers } : { method: cur.method, url: target.toString(), headers, retry: cur.retry };
    }
  };
}
