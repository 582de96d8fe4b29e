/**
 * Pre-opened daemon connections (GEN-12, creator -daemon as root): hand-out, exhaustion fallback, connections
 * the daemon closes, and the EACCES message after the privilege drop. A local HTTP server on a unix socket in
 * a temp dir stands in for the daemon; a failing dialer is injected for EACCES (root can always connect).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDockerEngine, PreconnectedSockets, preconnectedConnector } from '../../../src/daemon/index.js';

let dir: string;
let path: string;
let server: Server;
let sockets: Socket[];
let requests: string[];
let closeAfterHead = false;
/** The next request's connection is destroyed instead of answered (a daemon closing it under the request). */
let resetNext = false;

/** Waits (event-loop turns, no time assertion) until `cond` holds, e.g. the client side saw a FIN. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}
const closed = (s: Socket) => (s.destroyed ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnb-sockpool-'));
  path = join(dir, 'daemon.sock');
  sockets = [];
  requests = [];
  closeAfterHead = false;
  resetNext = false;
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (resetNext) {
      resetNext = false;
      req.socket.destroy();
      return;
    }
    res.setHeader('Api-Version', '1.41');
    if (closeAfterHead) res.setHeader('Connection', 'close');
    res.end(req.method === 'HEAD' ? undefined : req.url?.startsWith('/v') ? '{}' : 'OK'); // versioned calls get JSON
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(path, r));
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('PreconnectedSockets', () => {
  it('opens and primes each connection with HEAD /_ping, then hands them out once each', async () => {
    const { pool, error } = await PreconnectedSockets.open(path, 3);
    expect(error).toBeUndefined();
    expect(pool.size).toBe(3);
    expect(requests).toEqual(['HEAD /_ping', 'HEAD /_ping', 'HEAD /_ping']);
    const taken = [pool.take(), pool.take(), pool.take()];
    expect(new Set(taken).size).toBe(3);
    expect(taken.every((s) => s !== undefined && !s.destroyed)).toBe(true);
    expect(pool.take()).toBeUndefined();
    for (const s of taken) s!.destroy();
  });

  it('drops a held connection the daemon closes: it is gone for good', async () => {
    const { pool } = await PreconnectedSockets.open(path, 2);
    await Promise.all(sockets.map((s) => (s.destroy(), closed(s))));
    await until(() => pool.size === 0); // the client side sees the FIN
    expect(pool.size).toBe(0);
    expect(pool.take()).toBeUndefined();
  });

  it('does not hold a connection the daemon answers with Connection: close, nor one it cannot dial', async () => {
    closeAfterHead = true;
    expect((await PreconnectedSockets.open(path, 2)).pool.size).toBe(0);
    const missing = await PreconnectedSockets.open(join(dir, 'missing.sock'), 2);
    expect(missing.pool.size).toBe(0);
    expect((missing.error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('preconnectedConnector', () => {
  it('uses the held connections first and dials afresh when they are all in use', async () => {
    const { pool } = await PreconnectedSockets.open(path, 1);
    const agent = new Agent({ connect: preconnectedConnector(path, pool, { uid: 0, gid: 0 }) });
    // Two responses read concurrently: the second request must not wait for the first body (no deadlock).
    const [a, b] = await Promise.all([1, 2].map(() => agent.request({ origin: 'http://docker', path: '/x', method: 'GET' })));
    expect([await a!.body.text(), await b!.body.text()]).toEqual(['OK', 'OK']);
    expect(sockets.length).toBe(2); // one pre-opened, one fresh
    expect(pool.size).toBe(0);
    await agent.close();
  });

  it('after the daemon closed every held connection, a request dials afresh (socket still accessible)', async () => {
    const { pool } = await PreconnectedSockets.open(path, 2);
    await Promise.all(sockets.map((s) => (s.destroy(), closed(s))));
    await until(() => pool.size === 0);
    const agent = new Agent({ connect: preconnectedConnector(path, pool, { uid: 0, gid: 0 }) });
    const res = await agent.request({ origin: 'http://docker', path: '/x', method: 'GET' });
    expect(await res.body.text()).toBe('OK');
    expect(sockets.length).toBe(3);
    await agent.close();
  });

  it('after the pre-opened connections are gone, an EACCES dial names the socket and the new uid:gid', async () => {
    const { pool } = await PreconnectedSockets.open(path, 1);
    pool.destroy();
    const eacces = (_o: unknown, cb: (e: Error, s: null) => void) => cb(Object.assign(new Error(`connect EACCES ${path}`), { code: 'EACCES' }), null);
    const agent = new Agent({ connect: preconnectedConnector(path, pool, { uid: 4242, gid: 4242 }, eacces) });
    const err = (await agent.request({ origin: 'http://docker', path: '/x', method: 'GET' }).then(() => undefined, (e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe('EACCES');
    expect(err.message).toBe(
      `daemon socket ${path} is not accessible to uid ${process.getuid!()}, gid ${process.getgid!()} after the privilege drop (EACCES); ` +
        'the connections opened before the drop were closed or are all in use',
    );
    await agent.close();
  });
});

describe('DockerEngine.preconnect', () => {
  it('sends requests over the pre-opened connections (no new dial)', async () => {
    const engine = createDockerEngine({ host: `unix://${path}` });
    expect(await engine.preconnect!(2)).toBe(2);
    expect(await engine.ping()).toEqual({ apiVersion: '1.41' });
    expect(await engine.info()).toEqual({});
    expect(sockets.length).toBe(2);
    await engine.close();
  });

  it('sends a GET once more when its pre-opened connection is closed under it; the caller sees the answer', async () => {
    const engine = createDockerEngine({ host: `unix://${path}` });
    expect(await engine.preconnect!(2)).toBe(2);
    expect(await engine.ping()).toEqual({ apiVersion: '1.41' });
    resetNext = true;
    expect(await engine.info()).toEqual({});
    expect(requests.filter((r) => r.endsWith('/info'))).toHaveLength(2);
    await engine.close();
  });

  it('is a no-op for a tcp DOCKER_HOST', async () => {
    const engine = createDockerEngine({ host: 'tcp://127.0.0.1:1' });
    expect(await engine.preconnect!()).toBe(0);
    await engine.close();
  });
});
