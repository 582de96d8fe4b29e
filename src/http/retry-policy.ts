/**
 * The one retry policy of the HTTP stack (see README.md). The retry interceptor applies it to single
 * requests; the blob upload applies the same policy to a whole upload session when a streaming PATCH fails.
 */
export interface RetryPolicy {
  /** Total attempts including the first (bounded). */
  readonly maxAttempts: number;
  /** Backoff base: attempt n waits about base * 2^(n-1), capped at maxDelayMs, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Retry-After is honoured up to this many milliseconds (a larger value is capped, not ignored). */
  readonly maxRetryAfterMs: number;
  /** Random source in [0, 1) for jitter; injectable for tests. */
  readonly random: () => number;
  /** Sleeps (abortable); injectable for tests. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Statuses worth another attempt: request timeout, too many requests, and server-side 5xx gateways. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Error codes of transient network failures (Node and undici). ECONNREFUSED is not here: fail fast when nothing listens. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Abortable sleep. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Defaults: 5 attempts, 250 ms base, 8 s cap, Retry-After up to 60 s. */
export function defaultRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, random: Math.random, sleep, ...overrides };
}

/** True for a thrown error (or any error in its cause chain) that is a transient network failure. */
export function isRetryableError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_ERROR_CODES.has(code)) return true;
    if ((cur as { retryable?: unknown }).retryable === true) return true;
  }
  return false;
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The delay before attempt `attempt + 1` (attempt counts from 1). Retry-After wins when given (capped);
 * otherwise exponential backoff with "equal jitter": half fixed, half random, so attempts never bunch at 0.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + policy.random() * (exp / 2));
}

/**
 * Runs a multi-request operation (a whole upload session) under the same policy: a thrown retryable error
 * (network failure, or an error marked `retryable`, e.g. a RegistryError for a 5xx) starts it again,
 * after the error's `retryAfterMs` when it has one, else the usual backoff.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (attempt: number, delayMs: number, error: unknown) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.maxAttempts || opts.signal?.aborted || !isRetryableError(e)) throw e;
      const retryAfter = (e as { retryAfterMs?: unknown }).retryAfterMs;
      const delayMs = retryDelay(policy, attempt, typeof retryAfter === 'number' ? retryAfter : undefined);
      opts.onRetry?.(attempt, delayMs, e);
      await policy.sleep(delayMs, opts.signal);
    }
  }
}
