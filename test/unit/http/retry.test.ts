import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  compose,
  defaultRetryPolicy,
  isRetryableError,
  parseRetryAfter,
  RegistryError,
  retryDelay,
  retryInterceptor,
  withRetry,
  type RetryPolicy,
} from '../../../src/http/index.js';
import { fakeTransport, netError } from './fake-transport.js';

function recordingPolicy(over: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return Object.assign(defaultRetryPolicy({ random: () => 0.5, sleep: async (ms) => void slept.push(ms), ...over }), { slept });
}

describe('retry policy', () => {
  it('backs off exponentially with equal jitter, capped', () => {
    const p = defaultRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(p, a))).toEqual([50, 100, 200, 400, 500, 500]);
    const hi = defaultRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 });
    expect([1, 2, 3, 5].map((a) => retryDelay(hi, a))).toEqual([100, 200, 400, 1000]);
  });

  it('honours Retry-After (seconds or HTTP date), capped', () => {
    const p = defaultRetryPolicy({ maxRetryAfterMs: 5000 });
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(retryDelay(p, 1, 3000)).toBe(3000);
    expect(retryDelay(p, 1, 99_000)).toBe(5000);
  });

  it('classifies transient errors through the cause chain', () => {
    expect(isRetryableError(netError('ECONNRESET'))).toBe(true);
    expect(isRetryableError(new Error('wrapped', { cause: netError('UND_ERR_SOCKET') }))).toBe(true);
    expect(isRetryableError(netError('ECONNREFUSED'))).toBe(false);
    expect(isRetryableError(new RegistryError({ registry: 'r', message: 'm', status: 503, retryable: true }))).toBe(true);
    expect(isRetryableError(new RegistryError({ registry: 'r', message: 'm', status: 400 }))).toBe(false);
  });
});

describe('retryInterceptor', () => {
  it('retries 429/5xx and resets, re-opening the body factory for every attempt', async () => {
    const replies = [{ status: 429, headers: { 'Retry-After': '2' } }, netError('ECONNRESET'), { status: 502 }, { status: 201 }];
    const base = fakeTransport((_r, n) => replies[n - 1] as never);
    const policy = recordingPolicy({ baseDelayMs: 100 });
    let opened = 0;
    const t = compose(base, retryInterceptor(policy));
    const res = await t({ method: 'PUT', url: 'https://r/x', body: () => (opened++, Readable.from([Buffer.from('payload')])) });
    expect(res.status).toBe(201);
    expect(opened).toBe(4);
    expect(base.seen.map((s) => s.body)).toEqual(['payload', 'payload', 'payload', 'payload']);
    expect(policy.slept).toEqual([2000, 150, 300]);
  });

  it('is bounded: the last response is returned after maxAttempts', async () => {
    const base = fakeTransport(() => ({ status: 503 }));
    const res = await compose(base, retryInterceptor(recordingPolicy({ maxAttempts: 3 })))({ method: 'GET', url: 'https://r/x' });
    expect(res.status).toBe(503);
    expect(base.seen).toHaveLength(3);
  });

  it('does not retry client errors, refused connections, or requests marked retry:false', async () => {
    const b1 = fakeTransport(() => ({ status: 404 }));
    expect((await compose(b1, retryInterceptor(recordingPolicy()))({ method: 'GET', url: 'https://r/x' })).status).toBe(404);
    expect(b1.seen).toHaveLength(1);
    const b2 = fakeTransport(() => netError('ECONNREFUSED'));
    await expect(compose(b2, retryInterceptor(recordingPolicy()))({ method: 'GET', url: 'https://r/x' })).rejects.toThrow(/ECONNREFUSED/);
    expect(b2.seen).toHaveLength(1);
    const b3 = fakeTransport(() => netError('ECONNRESET'));
    await expect(compose(b3, retryInterceptor(recordingPolicy()))({ method: 'PATCH', url: 'https://r/x', retry: false })).rejects.toThrow(/ECONNRESET/);
    expect(b3.seen).toHaveLength(1);
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    const base = fakeTransport(() => (ac.abort(), netError('ECONNRESET')));
    await expect(compose(base, retryInterceptor(recordingPolicy()))({ method: 'GET', url: 'https://r/x' }, ac.signal)).rejects.toThrow();
    expect(base.seen).toHaveLength(1);
  });
});

describe('withRetry (whole upload sessions)', () => {
  it('re-runs the operation on retryable errors only, bounded', async () => {
    const policy = recordingPolicy({ maxAttempts: 4 });
    let n = 0;
    expect(await withRetry(policy, async () => (++n < 3 ? Promise.reject(netError('EPIPE')) : 'done'))).toBe('done');
    expect(n).toBe(3);
    let m = 0;
    await expect(withRetry(policy, async () => (m++, Promise.reject(new RegistryError({ registry: 'r', message: 'bad', status: 400 }))))).rejects.toThrow('bad');
    expect(m).toBe(1);
    let k = 0;
    await expect(withRetry(policy, async () => (k++, Promise.reject(netError('ECONNRESET'))))).rejects.toThrow();
    expect(k).toBe(4);
  });
});

describe('withRetry and Retry-After', () => {
  it('waits the Retry-After a RegistryError carries', async () => {
    const policy = recordingPolicy();
    let n = 0;
    await withRetry(policy, async () => {
      if (n++ === 0) throw new RegistryError({ registry: 'r', message: 'slow down', status: 429, retryable: true, retryAfterMs: 3000 });
    });
    expect(policy.slept).toEqual([3000]);
  });
});
