import type { Interceptor } from './types.js';

/** Sets User-Agent on every request that has none. */
export function userAgentInterceptor(userAgent: string): Interceptor {
  return (next) => (req, signal) =>
    next(req.headers && Object.keys(req.headers).some((h) => h.toLowerCase() === 'user-agent') ? req : { ...req, headers: { ...req.headers, 'User-Agent': userAgent } }, signal);
}
