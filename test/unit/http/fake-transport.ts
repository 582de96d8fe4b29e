/** A scripted in-process Transport for unit tests of interceptors (no sockets). */
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/http/index.js';

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface Seen {
  req: HttpRequest;
  body: string;
}

/** A transport answering with `handler`; records every request and the body it actually sent. */
export function fakeTransport(handler: (req: HttpRequest, n: number) => Reply | Error | Promise<Reply | Error>): Transport & { seen: Seen[] } {
  const seen: Seen[] = [];
  const t: Transport = async (req) => {
    let body = '';
    const b = typeof req.body === 'function' ? await req.body() : req.body;
    if (b !== undefined) {
      if (typeof b === 'string') body = b;
      else if (b instanceof Uint8Array) body = Buffer.from(b).toString();
      else for await (const c of b) body += Buffer.from(c as Buffer).toString();
    }
    seen.push({ req, body });
    const r = await handler(req, seen.length);
    if (r instanceof Error) throw r;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
    return { status: r.status, headers, url: req.url, body: Readable.from([Buffer.from(r.body ?? '')]) } satisfies HttpResponse;
  };
  return Object.assign(t, { seen });
}

/** An error shaped like a Node network error. */
export function netError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}
