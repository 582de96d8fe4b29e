import { isAnonymous, type AuthConfig, type Authenticator, type Keychain } from './types.js';

/**
 * Tries keychains in order; the first one whose credentials are not anonymous wins (ggcr MultiKeychain).
 * Lazy: a later keychain's helper runs only when the earlier ones had nothing.
 */
export function multiKeychain(...keychains: readonly (Keychain | undefined)[]): Keychain {
  const list = keychains.filter((k): k is Keychain => k !== undefined);
  return {
    resolve: async (registry, signal) => {
      const auths = await Promise.all(list.map((k) => k.resolve(registry, signal)));
      let memo: Promise<AuthConfig> | undefined;
      const authenticator: Authenticator = {
        authorization: (sig) =>
          (memo ??= (async () => {
            for (const a of auths) {
              const c = await a.authorization(sig);
              if (!isAnonymous(c)) return c;
            }
            return {};
          })()),
      };
      return authenticator;
    },
  };
}

/**
 * Resolves credentials for `registries` now and returns a keychain that only replays them. REF does this
 * before dropping privileges, because config.json and helpers may be readable only by the starting user.
 */
export async function preResolvedKeychain(keychain: Keychain, registries: readonly string[], signal?: AbortSignal): Promise<Keychain> {
  const fixed = new Map<string, AuthConfig>();
  for (const r of new Set(registries)) fixed.set(r, await (await keychain.resolve(r, signal)).authorization(signal));
  return { resolve: async (registry) => ({ authorization: async () => fixed.get(registry) ?? {} }) };
}
