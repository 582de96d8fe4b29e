import { connect, type Socket } from 'node:net';

/** The header block of a response to `HEAD /_ping` ends here; a HEAD response never has a body. */
const HEADERS_END = '\r\n\r\n';
/** A server answering more than this before the end of its headers is not a Docker Engine API. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Dials the unix socket `path` and waits for the connection. Rejects with the connect error (ENOENT, EACCES...).
 */
function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ path });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * Sends `HEAD /_ping` on a fresh connection and reads the response headers. A daemon may time out a connection
 * on which no request arrived yet (Go's ReadHeaderTimeout) but keeps an idle keep-alive connection open, so a
 * primed socket survives a long build. Resolves true when the connection stays usable (a complete header block,
 * nothing more, no `Connection: close`).
 */
function prime(s: Socket): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    const done = (ok: boolean) => {
      s.off('readable', onReadable);
      s.off('error', onEnd);
      s.off('end', onEnd);
      s.off('close', onEnd);
      resolve(ok);
    };
    const onEnd = () => done(false);
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = s.read() as Buffer | null) !== null) text += chunk.toString('latin1');
      const end = text.indexOf(HEADERS_END);
      if (end < 0) {
        if (text.length > MAX_HEADER_BYTES) done(false);
        return;
      }
      const head = text.slice(0, end).toLowerCase();
      done(end + HEADERS_END.length === text.length && /^http\/1\.1 \d{3}/.test(head) && !/\r\nconnection:\s*close/.test(head));
    };
    s.on('readable', onReadable);
    s.on('error', onEnd);
    s.on('end', onEnd);
    s.on('close', onEnd);
    s.write('HEAD /_ping HTTP/1.1\r\nHost: docker\r\nUser-Agent: cnb-lifecycle\r\n\r\n');
  });
}

/**
 * Connections to a daemon's unix socket opened ahead of time, typically as root before the privilege drop
 * (GEN-12): each is dialed and primed with one `HEAD /_ping`, then held idle (unref'd, so it never keeps the
 * process alive) until `take()` hands it to the HTTP client. A held socket that the daemon closes, or that
 * receives unexpected bytes, is dropped from the pool: it is gone for good.
 */
export class PreconnectedSockets {
  /** Held sockets and, for each, the function that removes the pool's listeners. */
  private readonly idle = new Map<Socket, () => void>();

  private constructor(readonly path: string) {}

  /**
   * Opens up to `count` primed connections to `path`, in parallel. Never rejects: connections that fail to
   * open or to prime are left out (`size` tells how many are held; `error` is the first connect error).
   */
  static async open(path: string, count: number): Promise<{ pool: PreconnectedSockets; error?: unknown }> {
    const pool = new PreconnectedSockets(path);
    let error: unknown;
    await Promise.all(
      Array.from({ length: count }, async () => {
        let s: Socket;
        try {
          s = await dial(path);
        } catch (e) {
          error ??= e;
          return;
        }
        if (await prime(s)) pool.hold(s);
        else s.destroy();
      }),
    );
    return error === undefined ? { pool } : { pool, error };
  }

  /** How many idle connections are held. */
  get size(): number {
    return this.idle.size;
  }

  /** Adds an open socket to the pool (exposed for tests; `open` uses it for every primed socket). */
  hold(s: Socket): void {
    const events = ['readable', 'end', 'close', 'error'] as const;
    const release = () => {
      for (const e of events) s.off(e, drop);
    };
    const drop = () => {
      this.idle.delete(s);
      release();
      s.destroy();
    };
    // a held socket must stay silent: the daemon closing it or talking out of turn ends it
    for (const e of events) s.on(e, drop);
    s.unref();
    this.idle.set(s, release);
  }

  /** Hands out one held, still open socket (ref'd again, listeners removed), or undefined when none is left. */
  take(): Socket | undefined {
    for (const [s, release] of this.idle) {
      this.idle.delete(s);
      release();
      if (s.destroyed || s.readyState !== 'open') {
        s.destroy();
        continue;
      }
      s.ref();
      return s;
    }
    return undefined;
  }

  /** Closes every held socket. */
  destroy(): void {
    for (const [s, release] of this.idle) {
      release();
      s.destroy();
    }
    this.idle.clear();
  }
}
