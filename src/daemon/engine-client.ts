import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { LifecycleError } from '../errors/index.js';
import { currentIds } from '../sys/index.js';
import { parseDockerHost, type DaemonEndpoint } from './docker-host.js';
import type { DockerEngine, EngineInfo, ImageHistoryItem, ImageInspect, LoadResult } from './engine.js';
import { daemonError, errorBodyMessage, parseLoadMessages, transportCause } from './engine-errors.js';
import { preconnectedConnector } from './socket-connector.js';
import { PreconnectedSockets } from './socket-pool.js';

/** The newest Engine API version this client speaks (podman 4 serves 1.41; newer Dockers negotiate down). */
export const CLIENT_API_VERSION = '1.41';
/** The oldest Engine API version we accept (docker-archive load with `quiet`, image tag and history). */
export const MIN_API_VERSION = '1.24';

/** How many connections `preconnect()` opens by default: the most requests the daemon store has in flight at once. */
export const PRECONNECT_COUNT = 4;
/** Keep-alive of pre-opened connections (a day): undici would otherwise close an idle one after 4 s. */
const KEEP_ALIVE_MS = 24 * 60 * 60 * 1000;

/** Options of `createDockerEngine`. */
export interface DockerEngineOptions {
  /** A DOCKER_HOST value or a parsed endpoint; default `unix:///var/run/docker.sock`. */
  readonly host?: string | DaemonEndpoint;
  /** Timeout for small calls (ping, inspect, tag...), in ms; default 60 s. Save and load have none. */
  readonly timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'DELETE';
interface Call {
  readonly what: string;
  readonly image?: string;
  readonly query?: Record<string, string>;
  readonly body?: Readable;
  readonly headers?: Record<string, string>;
  readonly long?: boolean;
  readonly allow404?: boolean;
  readonly signal?: AbortSignal | undefined;
}

function versionNumber(v: string): number {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  return m ? Number(m[1]) * 1000 + Number(m[2]) : NaN;
}

/** Path-escapes an image name, keeping `/`, `:` and `@` readable (the Engine API routes `{name:.*}`). */
function escapeName(name: string): string {
  return encodeURIComponent(name).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/gi, '@');
}

/** True for errors of a connection that was closed under the request (reset, broken pipe, closed socket). */
function isConnectionReset(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED';
}

/** A Docker Engine API client on undici; a unix socket through `connect.socketPath`. No I/O until first use. */
class UndiciDockerEngine implements DockerEngine {
  readonly endpoint: string;
  private readonly origin: string;
  private readonly socketPath: string | undefined;
  private agent: Dispatcher & { close(): Promise<void> };
  private held: PreconnectedSockets | undefined;
  private readonly timeoutMs: number;
  private version: Promise<string> | undefined;

  constructor(ep: DaemonEndpoint, timeoutMs: number) {
    this.endpoint = ep.display;
    this.origin = ep.origin;
    this.timeoutMs = timeoutMs;
    this.socketPath = ep.socketPath;
    this.agent = new Agent(ep.socketPath === undefined ? {} : { connect: { socketPath: ep.socketPath } });
  }

  async preconnect(count = PRECONNECT_COUNT): Promise<number> {
    if (this.socketPath === undefined || this.held !== undefined) return this.held?.size ?? 0;
    const { pool } = await PreconnectedSockets.open(this.socketPath, count);
    if (pool.size === 0) return 0; // the daemon is unreachable even now: requests report it as before
    this.held = pool;
    const old = this.agent;
    // Idle connections stay open for the whole build: a closed pre-opened connection cannot be replaced.
    this.agent = new Agent({ connect: preconnectedConnector(this.socketPath, pool, currentIds()), keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS });
    void old.close().catch(() => undefined);
    return pool.size;
  }

  private async raw(method: Method, path: string, c: Call): Promise<Dispatcher.ResponseData | undefined> {
    let res: Dispatcher.ResponseData;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await this.agent.request({
          origin: this.origin,
          path,
          method,
          ...(c.query ? { query: c.query } : {}),
          body: c.body ?? null,
          headers: c.headers ?? null,
          signal: c.signal ?? null,
          headersTimeout: c.long ? 0 : this.timeoutMs,
          bodyTimeout: c.long ? 0 : this.timeoutMs,
        });
        break;
      } catch (e) {
        if (c.signal?.aborted) throw e;
        // A pre-opened connection the daemon closed just as it was handed out: a request without a body that
        // changes nothing is sent once more (on another held connection, or a fresh dial).
        if (attempt === 0 && this.held !== undefined && c.body === undefined && method === 'GET' && isConnectionReset(e)) continue;
        throw daemonError(this.endpoint, c.what, c.image, transportCause(e), e);
      }
    }
    if (res.statusCode === 404 && c.allow404) {
      await res.body.dump();
      return undefined;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      throw daemonError(this.endpoint, c.what, c.image, errorBodyMessage(res.statusCode, text));
    }
    return res;
  }

  private async versioned(method: Method, path: string, c: Call): Promise<Dispatcher.ResponseData | undefined> {
    let v: { apiVersion: string };
    try {
      v = await this.ping(c.signal);
    } catch (e) {
      if (c.signal?.aborted) throw e;
      // name the image the caller asked about, not just the ping
      const cause = (e as Error).message.replace(`daemon ${this.endpoint}: `, '');
      throw daemonError(this.endpoint, c.what, c.image, cause, e);
    }
    return this.raw(method, `/v${v.apiVersion}${path}`, c);
  }

  private async json<T>(path: string, c: Call): Promise<T | undefined> {
    const res = await this.versioned('GET', path, c);
    if (res === undefined) return undefined;
    const text = await res.body.text().catch((e: unknown) => {
      throw daemonError(this.endpoint, c.what, c.image, `reading response: ${transportCause(e)}`, e);
    });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw daemonError(this.endpoint, c.what, c.image, 'response is not JSON');
    }
  }

  ping(signal?: AbortSignal): Promise<{ apiVersion: string }> {
    if (this.version === undefined) {
      const v = this.negotiate(signal);
      this.version = v;
      v.catch(() => {
        if (this.version === v) this.version = undefined; // a failed ping is retried on the next call
      });
    }
    return this.version.then((apiVersion) => ({ apiVersion }));
  }

  private async negotiate(signal?: AbortSignal): Promise<string> {
    const res = await this.raw('GET', '/_ping', { what: 'ping', signal });
    await res?.body.dump();
    let server = res?.headers['api-version'];
    if (typeof server !== 'string') {
      const v = await this.raw('GET', '/version', { what: 'version', signal });
      server = ((await v?.body.json()) as { ApiVersion?: string } | undefined)?.ApiVersion ?? MIN_API_VERSION;
    }
    if (!(versionNumber(server) >= versionNumber(MIN_API_VERSION))) {
      throw new LifecycleError('ERR_DAEMON', `daemon ${this.endpoint}: API version ${server} is older than the minimum ${MIN_API_VERSION}`);
    }
    return versionNumber(server) < versionNumber(CLIENT_API_VERSION) ? server : CLIENT_API_VERSION;
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    return (await this.json<EngineInfo>('/info', { what: 'info', signal })) ?? {};
  }

  inspectImage(name: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
    return this.json<ImageInspect>(`/images/${escapeName(name)}/json`, { what: 'inspect image', image: name, allow404: true, signal });
  }

  async imageHistory(name: string, signal?: AbortSignal): Promise<ImageHistoryItem[]> {
    const h = await this.json<ImageHistoryItem[]>(`/images/${escapeName(name)}/history`, { what: 'read history of image', image: name, signal });
    return Array.isArray(h) ? h : [];
  }

  async saveImage(name: string, signal?: AbortSignal): Promise<Readable> {
    const res = await this.versioned('GET', `/images/${escapeName(name)}/get`, { what: 'save image', image: name, long: true, signal });
    return res!.body;
  }

  async loadImage(archive: Readable, image: string, signal?: AbortSignal): Promise<LoadResult> {
    const c: Call = { what: 'load image', image, long: true, signal, body: archive, headers: { 'content-type': 'application/x-tar' }, query: { quiet: '1' } };
    const res = await this.versioned('POST', '/images/load', c);
    const text = await res!.body.text().catch((e: unknown) => {
      throw daemonError(this.endpoint, c.what, image, `reading response: ${transportCause(e)}`, e);
    });
    const parsed = parseLoadMessages(text);
    if (parsed.error !== undefined) throw daemonError(this.endpoint, c.what, image, parsed.error);
    return { messages: parsed.messages };
  }

  async tagImage(source: string, repo: string, tag: string, signal?: AbortSignal): Promise<void> {
    const res = await this.versioned('POST', `/images/${escapeName(source)}/tag`, { what: 'tag image', image: `${repo}:${tag}`, query: { repo, tag }, signal });
    await res?.body.dump();
  }

  async removeImage(name: string, options: { force?: boolean; noPrune?: boolean } = {}, signal?: AbortSignal): Promise<void> {
    const query = { force: options.force ? '1' : '0', noprune: options.noPrune ? '1' : '0' };
    const res = await this.versioned('DELETE', `/images/${escapeName(name)}`, { what: 'remove image', image: name, query, allow404: true, signal });
    await res?.body.dump();
  }

  close(): Promise<void> {
    this.held?.destroy();
    return this.agent.close();
  }
}

/** Creates a Docker Engine API client for `host` (a DOCKER_HOST value; default the standard socket). */
export function createDockerEngine(options: DockerEngineOptions = {}): DockerEngine {
  const ep = typeof options.host === 'object' ? options.host : parseDockerHost(options.host);
  return new UndiciDockerEngine(ep, options.timeoutMs ?? 60_000);
}
