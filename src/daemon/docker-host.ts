import { LifecycleError } from '../errors/index.js';

/** The default Docker Engine socket, used when DOCKER_HOST is unset or empty. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Where a Docker Engine API listens: a unix socket, or plain HTTP on host:port (no TLS). */
export interface DaemonEndpoint {
  /** The endpoint as the user wrote it, for messages (`unix:///var/run/docker.sock`). */
  readonly display: string;
  /** HTTP origin used for requests (`http://docker` for a socket: the host part is ignored). */
  readonly origin: string;
  /** Unix socket path, when the endpoint is a socket. */
  readonly socketPath?: string;
}

/**
 * Parses a DOCKER_HOST value: `unix:///path` (or a bare absolute path) → socket; `tcp://host:port` and
 * `http://host:port` → plain HTTP. `https://`, `ssh://` and `npipe://` are not supported (ERR_DAEMON).
 */
export function parseDockerHost(value: string | undefined): DaemonEndpoint {
  const v = (value ?? '').trim();
  if (v === '') return { display: `unix://${DEFAULT_DOCKER_SOCKET}`, origin: 'http://docker', socketPath: DEFAULT_DOCKER_SOCKET };
  if (v.startsWith('/')) return { display: `unix://${v}`, origin: 'http://docker', socketPath: v };
  const m = /^([a-z]+):\/\/(.*)$/.exec(v);
  if (!m) throw new LifecycleError('ERR_DAEMON', `invalid DOCKER_HOST '${v}': expected unix:///path or tcp://host:port`);
  const [, scheme, rest = ''] = m;
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw new LifecycleError('ERR_DAEMON', `invalid DOCKER_HOST '${v}': socket path must be absolute`);
    return { display: v, origin: 'http://docker', socketPath: rest };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    const hostPort = rest.replace(/\/+$/, '');
    if (!/^[^/]+:\d+$/.test(hostPort)) throw new LifecycleError('ERR_DAEMON', `invalid DOCKER_HOST '${v}': expected tcp://host:port`);
    return { display: v, origin: `http://${hostPort}` };
  }
  throw new LifecycleError('ERR_DAEMON', `unsupported DOCKER_HOST '${v}': only unix:// and tcp:// (without TLS) are supported`);
}
