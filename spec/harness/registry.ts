/**
 * A real CNCF Distribution registry (`docker-registry serve`) for black-box spec tests, on 127.0.0.1 with a
 * random port (test/helpers/registry-server.ts). Start it in `beforeAll`, stop it in `afterAll`:
 *
 *   let reg: SpecRegistry;
 *   beforeAll(async () => { reg = await startSpecRegistry(); });
 *   afterAll(() => reg.stop());
 *
 * Phases reach it over plain HTTP (127.0.0.1 is a local registry, REF falls back to HTTP there).
 */
import { staticAuthenticator, anonymous, type Keychain } from '../../src/auth/index.js';
import { createRegistryStore, type RegistryStore } from '../../src/registry/index.js';
import { startRegistry, type RegistryServer } from '../../test/helpers/registry-server.js';

/** A running spec registry. */
export interface SpecRegistry {
  /** `127.0.0.1:<port>`: the registry part of references. */
  readonly host: string;
  /** The underlying server (dir, credentials, skopeo flags). */
  readonly server: RegistryServer;
  /** True when the registry requires htpasswd basic auth. */
  readonly auth: boolean;
  /** `<host>/<repo>:<tag>` (tag default `latest`). */
  ref(repo: string, tag?: string): string;
  /**
   * The environment that gives a phase credentials for this registry (CNB_REGISTRY_AUTH, GEN-09); `{}` for an
   * open registry. Merge several with `{...a.authEnv(), ...}` only for one registry (the JSON is one object):
   * use `registryAuthEnv(a, b)` for more.
   */
  authEnv(): Record<string, string>;
  /** The Authorization header value for this registry (htpasswd only), for CNB_REGISTRY_AUTH. */
  authHeader(): string | undefined;
  /** A RegistryStore with this registry's credentials (our src/registry client) for pushing and reading back. */
  store(): RegistryStore & { close(): Promise<void> };
  stop(): Promise<void>;
}

/** Options of `startSpecRegistry`. */
export interface SpecRegistryOptions {
  /** 'htpasswd': basic auth (user/password of test/helpers/registry-server.ts); default open. */
  readonly auth?: 'none' | 'htpasswd';
}

/** Starts a spec registry. */
export async function startSpecRegistry(opts: SpecRegistryOptions = {}): Promise<SpecRegistry> {
  const server = await startRegistry({ auth: opts.auth ?? 'none' });
  const header = server.user ? `Basic ${Buffer.from(`${server.user}:${server.password}`).toString('base64')}` : undefined;
  const keychain: Keychain = {
    resolve: async (registry) => (header && registry === server.host ? staticAuthenticator({ username: server.user, password: server.password }) : anonymous),
  };
  const stores: Array<{ close(): Promise<void> }> = [];
  return {
    host: server.host,
    server,
    auth: header !== undefined,
    ref: (repo, tag = 'latest') => `${server.host}/${repo}:${tag}`,
    authHeader: () => header,
    authEnv: (): Record<string, string> => (header ? { CNB_REGISTRY_AUTH: JSON.stringify({ [server.host]: header }) } : {}),
    store() {
      const s = createRegistryStore({ keychain, insecureRegistries: [server.host] });
      stores.push(s);
      return s;
    },
    async stop() {
      await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
      await server.stop();
    },
  };
}

/** CNB_REGISTRY_AUTH naming every htpasswd registry in `regs` (open ones are left out). */
export function registryAuthEnv(...regs: SpecRegistry[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const r of regs) {
    const h = r.authHeader();
    if (h) map[r.host] = h;
  }
  return Object.keys(map).length ? { CNB_REGISTRY_AUTH: JSON.stringify(map) } : {};
}
