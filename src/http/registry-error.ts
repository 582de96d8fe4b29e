import { LifecycleError } from '../errors/index.js';
import { redactUrl } from './redact.js';
import { RETRYABLE_STATUSES, isRetryableError, parseRetryAfter } from './retry-policy.js';
import { header, readBody, type HttpRequest, type HttpResponse } from './types.js';

/** One entry of an OCI distribution error body (`{"errors":[{"code","message","detail"}]}`). */
export interface OciErrorEntry {
  readonly code: string;
  readonly message?: string;
  readonly detail?: unknown;
}

/** The OCI distribution-spec error codes (plus Docker's TOOMANYREQUESTS). */
export const OciErrorCodes = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
] as const;

/**
 * A failed registry request. `code` is ERR_AUTH for 401/403, else ERR_REGISTRY. The one-line message
 * names the registry, the request (URL redacted) and the cause: status and OCI error codes, or the
 * network error code. `retryable` marks transient failures (5xx, 429, resets) for withRetry.
 */
export class RegistryError extends LifecycleError {
  readonly registry: string;
  readonly status?: number;
  readonly errors: readonly OciErrorEntry[];
  readonly retryable: boolean;
  /** The registry's Retry-After, in ms, when it sent one (withRetry honours it). */
  readonly retryAfterMs?: number;

  constructor(args: { registry: string; message: string; status?: number; errors?: readonly OciErrorEntry[]; retryable?: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(args.status === 401 || args.status === 403 ? 'ERR_AUTH' : 'ERR_REGISTRY', args.message, { cause: args.cause });
    this.name = 'LifecycleError';
    this.registry = args.registry;
    this.status = args.status;
    this.errors = args.errors ?? [];
    this.retryable = args.retryable ?? false;
    this.retryAfterMs = args.retryAfterMs;
  }

  /** True when the registry said the thing does not exist (404, or a *_UNKNOWN code). */
  get notFound(): boolean {
    return this.status === 404 || this.errors.some((e) => /^(MANIFEST|NAME|BLOB)_UNKNOWN$/.test(e.code));
  }

  /** True when any entry has this OCI error code. */
  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

function describe(req: HttpRequest): string {
  const u = new URL(redactUrl(req.url));
  return `${req.method} ${u.pathname}${u.search}`;
}

function registryOf(req: HttpRequest): string {
  return req.registry ?? new URL(req.url).host;
}

/** Builds a RegistryError from an unexpected response (consumes up to 64 KiB of its body). */
export async function errorFromResponse(req: HttpRequest, res: HttpResponse, what?: string): Promise<RegistryError> {
  let errors: OciErrorEntry[] = [];
  try {
    const body = req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(res, 64 * 1024);
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      errors = parsed.errors
        .filter((e): e is { code: string; message?: unknown; detail?: unknown } => typeof e?.code === 'string')
        .map((e) => ({ code: e.code, message: typeof e.message === 'string' ? e.message : undefined, detail: e.detail }));
    }
  } catch {
    /* not a JSON error body */
  }
  const codes = errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
  const registry = registryOf(req);
  const message = `registry ${registry}: ${what ? `${what}: ` : ''}${describe(req)} returned ${res.status}${codes ? ` ${codes}` : ''}`;
  const retryAfterMs = parseRetryAfter(header(res, 'retry-after'));
  return new RegistryError({ registry, message, status: res.status, errors, retryable: RETRYABLE_STATUSES.has(res.status), retryAfterMs });
}

/** Wraps a thrown network error (reset, refused, TLS) as a RegistryError; RegistryErrors pass through. */
export function errorFromException(req: HttpRequest, e: unknown, what?: string): LifecycleError {
  if (e instanceof LifecycleError) return e;
  const code = (e as { code?: unknown }).code;
  const registry = registryOf(req);
  const cause = typeof code === 'string' ? `${code}${(e as Error).message ? ` (${(e as Error).message.split('\n')[0]})` : ''}` : String((e as Error)?.message ?? e);
  const message = `registry ${registry}: ${what ? `${what}: ` : ''}${describe(req)} failed: ${cause}`;
  return new RegistryError({ registry, message, retryable: isRetryableError(e), cause: e });
}
