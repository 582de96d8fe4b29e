import type { Logger } from '../sys/index.js';
import { redactHeaders, redactUrl } from './redact.js';
import type { Interceptor } from './types.js';

/**
 * Debug-logs every wire request and its outcome, redacted: URLs lose user-info and secret query values,
 * credential headers keep only their scheme, and bodies are never logged (token replies hold tokens).
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) => async (req, signal) => {
    if (logger.level !== 'debug') return next(req, signal);
    const url = redactUrl(req.url);
    logger.debug(`--> ${req.method} ${url}${req.headers ? ` [${redactHeaders(req.headers)}]` : ''}`);
    try {
      const res = await next(req, signal);
      const show: Record<string, string | string[] | undefined> = {};
      for (const h of ['content-type', 'content-length', 'docker-content-digest', 'location', 'www-authenticate', 'retry-after', 'range']) {
        if (res.headers[h] !== undefined) show[h] = h === 'location' ? redactUrl(String(res.headers[h])) : res.headers[h];
      }
      logger.debug(`<-- ${res.status} ${req.method} ${url} [${redactHeaders(show)}]`);
      return res;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      logger.debug(`<-- ERROR ${req.method} ${url}: ${typeof code === 'string' ? code : (e as Error).name}`);
      throw e;
    }
  };
}
