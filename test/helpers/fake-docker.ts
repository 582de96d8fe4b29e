// A fake Docker Engine API on a unix socket, ONLY for fault injection (the real peer is podman: podman.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A canned answer for one route. `body` is sent, then the connection is cut when `truncate` is set. */
export interface FakeReply {
  readonly status: number;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Send only this many bytes of `body` (with a Content-Length for the whole), then destroy the socket. */
  readonly truncateAt?: number;
}

/** Route keys: `ping`, `version`, `info`, `inspect`, `history`, `save`, `load`, `tag`, `remove`. */
export type FakeRoute = 'ping' | 'version' | 'info' | 'inspect' | 'history' | 'save' | 'load' | 'tag' | 'remove';

/** A running fake; `replies` may be changed between requests; `requests` records `METHOD path`. */
export interface FakeDocker {
  readonly socketPath: string;
  readonly dockerHost: string;
  readonly replies: Partial<Record<FakeRoute, FakeReply | ((req: IncomingMessage, body: Buffer) => FakeReply)>>;
  readonly requests: string[];
  close(): Promise<void>;
}

function route(method: string, path: string): FakeRoute | undefined {
  const p = path.replace(/^\/v\d+\.\d+/, '').split('?')[0]!;
  if (p === '/_ping') return 'ping';
  if (p === '/version') return 'version';
  if (p === '/info') return 'info';
  if (p === '/images/load' && method === 'POST') return 'load';
  if (/^\/images\/.+\/json$/.test(p)) return 'inspect';
  if (/^\/images\/.+\/history$/.test(p)) return 'history';
  if (/^\/images\/.+\/get$/.test(p)) return 'save';
  if (/^\/images\/.+\/tag$/.test(p)) return 'tag';
  if (/^\/images\/.+$/.test(p) && method === 'DELETE') return 'remove';
  return undefined;
}

const DEFAULTS: Record<FakeRoute, FakeReply> = {
  ping: { status: 200, body: 'OK', headers: { 'api-version': '1.41' } },
  version: { status: 200, body: '{"ApiVersion":"1.41"}' },
  info: { status: 200, body: '{"Driver":"vfs","DriverStatus":[]}' },
  inspect: { status: 404, body: '{"message":"No such image"}' },
  history: { status: 200, body: '[]' },
  save: { status: 404, body: '{"message":"No such image"}' },
  load: { status: 200, body: '{"stream":"Loaded image: x"}\n' },
  tag: { status: 201 },
  remove: { status: 200, body: '[]' },
};

/** Starts the fake on a socket in a fresh temp dir. */
export async function startFakeDocker(): Promise<FakeDocker> {
  const dir = await mkdtemp(join(tmpdir(), 'cnb-fake-docker-'));
  const socketPath = join(dir, 'docker.sock');
  const replies: FakeDocker['replies'] = {};
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const r = route(req.method ?? 'GET', req.url ?? '/');
      const spec = r === undefined ? { status: 404, body: '{"message":"page not found"}' } : (replies[r] ?? DEFAULTS[r]);
      const reply = typeof spec === 'function' ? spec(req, Buffer.concat(chunks)) : spec;
      const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
      res.writeHead(reply.status, { 'content-length': String(body.length), ...reply.headers });
      if (reply.truncateAt !== undefined) {
        res.write(body.subarray(0, reply.truncateAt), () => res.destroy());
      } else res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    replies,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
