import { header, dumpBody, isReopenable, type Interceptor } from './types.js';
import { isRetryableError, parseRetryAfter, retryDelay, RETRYABLE_STATUSES, type RetryPolicy } from './retry-policy.js';

/** Called before each retry (logging, counting). Never receives credentials. */
export type RetryObserver = (info: { method: string; url: string; attempt: number; delayMs: number; reason: string }) => void;

/**
 * Retries one request under `policy`: on a retryable status (429, 5xx, 408; Retry-After honoured) or a
 * transient network error (connection reset, timeouts). Requests marked `retry: false`, or whose body
 * cannot be re-opened, pass through once. The last response or error is returned as is.
 */
export function retryInterceptor(policy: RetryPolicy, onRetry?: RetryObserver): Interceptor {
  return (next) => async (req, signal) => {
    if (req.retry === false || !isReopenable(req)) return next(req, signal);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.maxAttempts;
      let reason: string;
      let retryAfterMs: number | undefined;
      try {
        const res = await next(req, signal);
        if (last || !RETRYABLE_STATUSES.has(res.status)) return res;
        retryAfterMs = parseRetryAfter(header(res, 'retry-after'));
        reason = `status ${res.status}`;
        await dumpBody(res);
      } catch (e) {
        if (last || signal?.aborted || !isRetryableError(e)) throw e;
        reason = networkCode(e);
      }
      const delayMs = retryDelay(policy, attempt, retryAfterMs);
      onRetry?.({ method: req.method, url: req.url, attempt, delayMs, reason });
      await policy.sleep(delayMs, signal);
    }
  };
}

/** The most specific error code in the cause chain (`ECONNRESET` rather than a wrapper's `ERR_REGISTRY`). */
function networkCode(e: unknown): string {
  let best: string | undefined;
  for (let cur: unknown = e, d = 0; cur && d < 8; cur = (cur as { cause?: unknown }).cause, d++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') best = code;
  }
  return best ?? (e instanceof Error ? e.name : 'error');
}
