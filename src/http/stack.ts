import type { Keychain } from '../auth/index.js';
import { normalizeRegistry } from '../ref/index.js';
import type { Logger } from '../sys/index.js';
import { authInterceptor } from './auth-interceptor.js';
import { baseTransport, type BaseTransportOptions } from './base-transport.js';
import { loggingInterceptor } from './logging.js';
import { redirectInterceptor } from './redirect.js';
import { redactUrl } from './redact.js';
import { retryInterceptor } from './retry.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { schemeInterceptor } from './scheme.js';
import { compose, type HttpRequest, type HttpResponse, type Interceptor, type Transport } from './types.js';
import { userAgentInterceptor } from './user-agent.js';

/** Options of the registry HTTP stack. */
export interface RegistryTransportOptions extends Omit<BaseTransportOptions, 'insecureHost'> {
  readonly keychain: Keychain;
  /** Normalized insecure registries (src/ref parseInsecureRegistries of -insecure-registry / CNB_INSECURE_REGISTRIES). */
  readonly insecureRegistries?: readonly string[];
  readonly logger?: Logger;
  readonly userAgent?: string;
  readonly retryPolicy?: RetryPolicy;
  /** Replaces the undici base transport (tests). */
  readonly base?: Transport;
  /** Sees every wire request and its status (after redirects, auth and retries are expanded); for counters. */
  readonly onExchange?: (req: HttpRequest, res: HttpResponse | undefined, error?: unknown) => void;
}

/** Observes every wire exchange without changing it. */
export function observeInterceptor(fn: NonNullable<RegistryTransportOptions['onExchange']>): Interceptor {
  return (next) => async (req, signal) => {
    try {
      const res = await next(req, signal);
      fn(req, res);
      return res;
    } catch (e) {
      fn(req, undefined, e);
      throw e;
    }
  };
}

/**
 * The HTTP stack every registry call goes through, outermost first:
 * user agent → retry (one policy) → auth challenge → insecure scheme → redirects → redacting log → [observe] → undici.
 * Retry is outside auth so a retried request is authorized again; logging is inside redirects so each wire request
 * (every hop) is one line; the scheme decision is made before logging so the log shows the real scheme.
 */
export function registryTransport(opts: RegistryTransportOptions): Transport & { close(): Promise<void> } {
  const insecure = new Set((opts.insecureRegistries ?? []).map((r) => normalizeRegistry(r)));
  const isInsecure = (host: string) => insecure.has(host) || (host === 'index.docker.io' && insecure.has('docker.io'));
  const base = opts.base ?? baseTransport({ ...opts, insecureHost: isInsecure });
  const policy = opts.retryPolicy ?? defaultRetryPolicy();
  const logger = opts.logger;
  const interceptors: Interceptor[] = [
    userAgentInterceptor(opts.userAgent ?? 'cnb-lifecycle-ts'),
    retryInterceptor(policy, logger ? (r) => logger.debug(`retrying ${r.method} ${redactUrl(r.url)} in ${r.delayMs} ms (attempt ${r.attempt}: ${r.reason})`) : undefined),
    authInterceptor({ keychain: opts.keychain }),
    schemeInterceptor({ insecure: isInsecure }),
  ];
  interceptors.push(redirectInterceptor());
  if (logger) interceptors.push(loggingInterceptor(logger));
  if (opts.onExchange) interceptors.push(observeInterceptor(opts.onExchange));
  const t = compose(base, ...interceptors);
  const close = (base as Partial<{ close(): Promise<void> }>).close;
  return Object.assign(t, { close: async () => void (await close?.call(base)) });
}
