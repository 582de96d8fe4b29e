/**
 * A fault-injecting HTTP proxy on 127.0.0.1 (port 0) in front of a real registry. Rules fire a bounded
 * number of times each (and at most `maxFaults` in total): a status reply (429 with Retry-After, 500,
 * 401 with a challenge...), a reset before forwarding, or a reset in the middle of the request body after
 * part of it already reached the registry. Everything else is forwarded unchanged (Host kept, so the
 * registry's Location headers point back at the proxy).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'reset-mid-body'; readonly afterBytes: number };

export interface FaultRule {
  readonly method?: string;
  readonly path?: RegExp;
  readonly fault: Fault;
  /** How many times this rule fires (bounded). */
  readonly times: number;
}

export interface FaultRecord {
  readonly method: string;
  readonly path: string;
  readonly fault?: Fault['kind'];
  readonly status?: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly log: FaultRecord[];
  /** Adds a rule; rules are matched in order. */
  add(rule: FaultRule): void;
  /** Faults fired so far. */
  fired(): number;
  stop(): Promise<void>;
}

function reset(socket: Socket): void {
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}

export async function startFaultProxy(target: { host: string; port: number }, maxFaults = 20): Promise<FaultProxy> {
  const rules: { rule: FaultRule; left: number }[] = [];
  const log: FaultRecord[] = [];
  let fired = 0;
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, midBody?: number) => {
    const up = httpRequest({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      log.push({ method: req.method ?? '', path: req.url ?? '', status: upRes.statusCode });
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => reset(req.socket));
    if (midBody === undefined) {
      req.pipe(up);
      return;
    }
    let sent = 0;
    req.on('data', (chunk: Buffer) => {
      if (sent >= midBody) return;
      const part = chunk.subarray(0, midBody - sent);
      sent += part.length;
      up.write(part);
      if (sent >= midBody) {
        // Part of the body reached the registry; now both connections die.
        setTimeout(() => {
          up.destroy();
          reset(req.socket);
        }, 20);
      }
    });
  };

  const server: Server = createServer((req, res) => {
    const i = rules.findIndex(
      (r) => r.left > 0 && (r.rule.method === undefined || r.rule.method === req.method) && (r.rule.path === undefined || r.rule.path.test(req.url ?? '')),
    );
    const hit = i >= 0 && fired < maxFaults ? rules[i] : undefined;
    if (!hit) return forward(req, res);
    hit.left--;
    fired++;
    const f = hit.rule.fault;
    log.push({ method: req.method ?? '', path: req.url ?? '', fault: f.kind, status: f.kind === 'status' ? f.status : undefined });
    if (f.kind === 'status') {
      req.resume();
      res.writeHead(f.status, { 'Content-Type': 'application/json', ...f.headers }).end(f.body ?? JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${f.status}` }] }));
    } else if (f.kind === 'reset') {
      reset(req.socket);
    } else {
      forward(req, res, f.afterBytes);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    port,
    log,
    add: (rule) => void rules.push({ rule, left: rule.times }),
    fired: () => fired,
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
