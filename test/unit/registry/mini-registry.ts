/**
 * A tiny in-memory distribution endpoint as a Transport, for unit tests that need faults or timing control
 * (bounded concurrency, single-flight, tampered bytes). Integration tests use the real docker-registry.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, Transport } from '../../../src/http/index.js';

export interface MiniRegistry {
  transport: Transport;
  blobs: Map<string, Buffer>; // `${repo}@${digest}`
  manifests: Map<string, { body: Buffer; type: string }>; // `${repo}:${ref}`
  log: string[];
  inFlightPatches: number;
  maxInFlightPatches: number;
  /** Hook to alter a response (tamper, drop headers) or throw (fault). */
  hook?: (req: HttpRequest, res: { status: number; headers: Record<string, string>; body: Buffer }) => void;
}

async function bodyOf(req: HttpRequest): Promise<Buffer> {
  const b = typeof req.body === 'function' ? await req.body() : req.body;
  if (b === undefined) return Buffer.alloc(0);
  if (typeof b === 'string') return Buffer.from(b);
  if (b instanceof Uint8Array) return Buffer.from(b);
  const parts: Buffer[] = [];
  for await (const c of b) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function miniRegistry(): MiniRegistry {
  const uploads = new Map<string, Buffer[]>();
  let n = 0;
  const reg: MiniRegistry = {
    blobs: new Map(),
    manifests: new Map(),
    log: [],
    inFlightPatches: 0,
    maxInFlightPatches: 0,
    transport: async (req): Promise<HttpResponse> => {
      const u = new URL(req.url);
      reg.log.push(`${req.method} ${u.pathname}${u.search}`);
      const out: { status: number; headers: Record<string, string>; body: Buffer } = { status: 404, headers: {}, body: Buffer.alloc(0) };
      const m = /^\/v2\/(.+?)\/(blobs|manifests)\/(.*)$/.exec(u.pathname);
      if (u.pathname === '/v2/') out.status = 200;
      else if (m) {
        const [, repo, kind, rest] = m as unknown as [string, string, string, string];
        if (kind === 'blobs' && rest === 'uploads/' && req.method === 'POST') {
          const mount = u.searchParams.get('mount');
          const from = u.searchParams.get('from');
          if (mount && from && reg.blobs.has(`${from}@${mount}`)) {
            reg.blobs.set(`${repo}@${mount}`, reg.blobs.get(`${from}@${mount}`) as Buffer);
            out.status = 201;
          } else {
            const id = `u${++n}`;
            uploads.set(id, []);
            out.status = 202;
            out.headers['location'] = `/v2/${repo}/blobs/uploads/${id}`;
          }
        } else if (kind === 'blobs' && rest.startsWith('uploads/')) {
          const id = rest.slice('uploads/'.length);
          const parts = uploads.get(id);
          if (!parts) out.status = 404;
          else if (req.method === 'PATCH') {
            reg.inFlightPatches++;
            reg.maxInFlightPatches = Math.max(reg.maxInFlightPatches, reg.inFlightPatches);
            await new Promise((r) => setTimeout(r, 5));
            try {
              parts.push(await bodyOf(req));
            } finally {
              reg.inFlightPatches--;
            }
            out.status = 202;
            out.headers['location'] = `/v2/${repo}/blobs/uploads/${id}`;
          } else if (req.method === 'PUT') {
            const all = Buffer.concat(parts);
            const d = u.searchParams.get('digest') ?? '';
            if (sha(all) !== d) out.status = 400;
            else {
              reg.blobs.set(`${repo}@${d}`, all);
              out.status = 201;
              out.headers['docker-content-digest'] = d;
            }
          }
        } else if (kind === 'blobs') {
          const b = reg.blobs.get(`${repo}@${rest}`);
          if (b) {
            out.status = 200;
            out.headers['content-length'] = String(b.length);
            if (req.method === 'GET') out.body = b;
          }
        } else if (kind === 'manifests') {
          if (req.method === 'PUT') {
            const body = await bodyOf(req);
            reg.manifests.set(`${repo}:${rest}`, { body, type: req.headers?.['Content-Type'] ?? '' });
            reg.manifests.set(`${repo}:${sha(body)}`, { body, type: req.headers?.['Content-Type'] ?? '' });
            out.status = 201;
            out.headers['docker-content-digest'] = sha(body);
          } else {
            const mf = reg.manifests.get(`${repo}:${rest}`);
            if (mf) {
              out.status = 200;
              out.headers['content-type'] = mf.type;
              out.headers['docker-content-digest'] = sha(mf.body);
              if (req.method === 'GET') out.body = mf.body;
            }
          }
        }
      }
      reg.hook?.(req, out);
      return { status: out.status, headers: out.headers, url: req.url, body: Readable.from([out.body]) };
    },
  };
  return reg;
}
