import { buildConnector } from 'undici';
import { currentIds } from '../sys/index.js';
import type { PreconnectedSockets } from './socket-pool.js';

/** Who the process was when the pool was opened, to tell a later EACCES apart (GEN-12 privilege drop). */
export interface OpenedAs {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The undici `connect` function of a client on a unix socket with pre-opened connections: a new HTTP
 * connection takes a held socket from `pool` first, and dials `path` afresh once the pool is used up (more
 * concurrent requests than held sockets, or held sockets the daemon closed). A fresh dial refused with EACCES
 * or EPERM after the identity changed since `openedAs` fails with one line naming the socket and the uid:gid
 * that cannot reach it (code EACCES kept, so callers classify it as a transport failure). `fresh` dials a new
 * connection (default: undici's connector on `path`; tests inject failures).
 */
export function preconnectedConnector(
  path: string,
  pool: PreconnectedSockets,
  openedAs: OpenedAs,
  fresh: buildConnector.connector = buildConnector({ socketPath: path }),
): buildConnector.connector {
  return (options, callback) => {
    const held = pool.take();
    if (held) {
      process.nextTick(() => callback(null, held)); // asynchronously, as a real connect does (undici expects it)
      return;
    }
    fresh(options, (...args) => {
      const [err] = args;
      const code = (err as NodeJS.ErrnoException | null)?.code;
      const now = currentIds();
      if (err && (code === 'EACCES' || code === 'EPERM') && (now.uid !== openedAs.uid || now.gid !== openedAs.gid)) {
        const message =
          `daemon socket ${path} is not accessible to uid ${now.uid}, gid ${now.gid} after the privilege drop ` +
          `(${code}); the connections opened before the drop were closed or are all in use`;
        callback(Object.assign(new Error(message), { code }), null);
        return;
      }
      callback(...args);
    });
  };
}
