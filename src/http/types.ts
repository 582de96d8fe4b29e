import type { Readable } from 'node:stream';

/**
 * A request body. Streams are given as a factory so every attempt (retry, scheme fallback, auth refresh)
 * opens them again; bytes and strings are re-sendable as they are.
 */
export type BodySource = Uint8Array | string | (() => Promise<Readable | Uint8Array> | Readable | Uint8Array);

/** One HTTP request through the transport stack. */
export interface HttpRequest {
  readonly method: string;
  /** Absolute URL. Registry URLs are written `https://`; the scheme interceptor downgrades insecure hosts. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: BodySource;
  /** The registry name (as src/ref normalizes it) this request talks to; enables the auth interceptor. */
  readonly registry?: string;
  /** Bearer token scopes this request needs, e.g. `repository:app:pull,push`. */
  readonly scopes?: readonly string[];
  /**
   * `false`: the retry interceptor must not retry this request (a streaming PATCH whose upload session
   * the caller restarts instead). Default true.
   */
  readonly retry?: boolean;
}

/** A response. The body must be consumed, dumped or destroyed by whoever receives it. */
export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names; repeated headers are arrays. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly url: string;
  readonly body: Readable;
}

/** `(request, signal) → response`: the whole HTTP stack is a composition of these. */
export type Transport = (request: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse>;

/** Wraps a transport with one behaviour (retry, auth, logging, ...). */
export type Interceptor = (next: Transport) => Transport;

/** Composes interceptors around a base transport; the first interceptor is the outermost. */
export function compose(base: Transport, ...interceptors: readonly Interceptor[]): Transport {
  return interceptors.reduceRight<Transport>((next, ic) => ic(next), base);
}

/** A header value (repeated headers joined with `, `), or undefined. */
export function header(res: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Every value of a header (repeated headers kept apart). */
export function headerValues(res: Pick<HttpResponse, 'headers'>, name: string): string[] {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Reads the whole body (at most `limit` bytes; the rest is discarded). */
export async function readBody(res: HttpResponse, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    const b = Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array);
    if (n < limit) chunks.push(b.subarray(0, limit - n));
    n += b.length;
  }
  return Buffer.concat(chunks);
}

/** Discards the body so the connection can be reused. Never throws. */
export async function dumpBody(res: HttpResponse): Promise<void> {
  const b = res.body as Readable & { dump?: () => Promise<void> };
  try {
    if (typeof b.dump === 'function') await b.dump();
    else for await (const _ of b) void _;
  } catch {
    /* a broken body after the status line is of no interest here */
  }
}

/** True when the request's body can be sent again. */
export function isReopenable(req: HttpRequest): boolean {
  return req.body === undefined || typeof req.body === 'string' || req.body instanceof Uint8Array || typeof req.body === 'function';
}

/** Opens the body for one attempt. */
export async function openBody(body: BodySource | undefined): Promise<Readable | Uint8Array | string | undefined> {
  return typeof body === 'function' ? await body() : body;
}
