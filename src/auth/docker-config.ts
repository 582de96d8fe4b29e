import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../errors/index.js';
import type { ProcessRunner } from '../sys/index.js';
import { runCredHelper } from './cred-helper.js';
import { decodeBasic } from './header.js';
import { registryKey } from './registry-key.js';
import { anonymous, staticAuthenticator, type AuthConfig, type Authenticator, type Keychain } from './types.js';

/** Options of the docker config.json keychain. `env` replaces process.env (never read in library code). */
export interface DockerConfigKeychainOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs credential helpers; without one, helpers are skipped (anonymous). */
  readonly runner?: ProcessRunner;
  readonly helperTimeoutMs?: number;
}

interface ParsedConfig {
  readonly auths: Map<string, AuthConfig>;
  readonly credsStore?: string;
  readonly credHelpers: Map<string, string>;
}

/** The config.json path: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json` (docker convention). */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env['DOCKER_CONFIG']) return join(env['DOCKER_CONFIG'], 'config.json');
  if (env['HOME']) return join(env['HOME'], '.docker', 'config.json');
  return undefined;
}

function authEntry(v: Record<string, unknown>): AuthConfig {
  const str = (k: string) => (typeof v[k] === 'string' && v[k] !== '' ? (v[k] as string) : undefined);
  const basic = str('auth') !== undefined ? decodeBasic(str('auth') as string) : undefined;
  const out: { -readonly [K in keyof AuthConfig]: AuthConfig[K] } = {};
  const username = basic?.username ?? str('username');
  const password = basic?.password ?? str('password');
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  if (str('identitytoken') !== undefined) out.identityToken = str('identitytoken');
  if (str('registrytoken') !== undefined) out.registryToken = str('registrytoken');
  return out;
}

async function load(file: string): Promise<ParsedConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LifecycleError('ERR_AUTH', `failed to read docker config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new LifecycleError('ERR_AUTH', `failed to parse docker config ${file}: not valid JSON`);
  }
  if (json === null || typeof json !== 'object') throw new LifecycleError('ERR_AUTH', `failed to parse docker config ${file}: not a JSON object`);
  const auths = new Map<string, AuthConfig>();
  for (const [k, v] of Object.entries((json['auths'] ?? {}) as Record<string, unknown>)) {
    const reg = registryKey(k);
    if (reg !== undefined && v && typeof v === 'object') auths.set(reg, authEntry(v as Record<string, unknown>));
  }
  const credHelpers = new Map<string, string>();
  for (const [k, v] of Object.entries((json['credHelpers'] ?? {}) as Record<string, unknown>)) {
    const reg = registryKey(k);
    if (reg !== undefined && typeof v === 'string' && v !== '') credHelpers.set(reg, v);
  }
  const credsStore = typeof json['credsStore'] === 'string' && json['credsStore'] !== '' ? json['credsStore'] : undefined;
  return credsStore === undefined ? { auths, credHelpers } : { auths, credHelpers, credsStore };
}

/**
 * GEN-09: the docker config.json keychain. Read lazily on the first resolve and memoized. Per registry:
 * a `credHelpers` entry for exactly that registry runs that helper; else `credsStore` runs the store's helper
 * (falling back to `auths` when the store has nothing); else the `auths` entry; else anonymous.
 * Helpers run only when the registry actually asks for credentials (Authenticator is lazy).
 */
export function dockerConfigKeychain(opts: DockerConfigKeychainOptions): Keychain {
  const file = dockerConfigPath(opts.env);
  let loaded: Promise<ParsedConfig | undefined> | undefined;
  const helperEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) helperEnv[k] = v;
  const viaHelper = (helper: string, registry: string, fallback: AuthConfig | undefined): Authenticator => {
    let memo: Promise<AuthConfig> | undefined;
    return {
      authorization: (signal) => {
        if (!opts.runner) return Promise.resolve(fallback ?? {});
        const runner = opts.runner;
        memo ??= runCredHelper(helper, registry, { runner, env: helperEnv, timeoutMs: opts.helperTimeoutMs, signal }).then((c) =>
          Object.keys(c).length === 0 && fallback ? fallback : c,
        );
        return memo;
      },
    };
  };
  return {
    resolve: async (registry) => {
      if (file === undefined) return anonymous;
      loaded ??= load(file);
      const cfg = await loaded;
      if (!cfg) return anonymous;
      const helper = cfg.credHelpers.get(registry);
      if (helper !== undefined) return viaHelper(helper, registry, undefined);
      const entry = cfg.auths.get(registry);
      if (cfg.credsStore !== undefined) return viaHelper(cfg.credsStore, registry, entry);
      return entry ? staticAuthenticator(entry) : anonymous;
    },
  };
}
