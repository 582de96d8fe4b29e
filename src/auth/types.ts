/**
 * Credentials for one registry, in docker's `AuthConfig` shape (the keys of a config.json `auths` entry
 * after decoding). Every field is a secret except `username`; never log an AuthConfig.
 */
export interface AuthConfig {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (docker `identitytoken`, or a helper reply with Username `<token>`). */
  readonly identityToken?: string;
  /** A ready bearer token sent as is (docker `registrytoken`, or `Bearer ...` in CNB_REGISTRY_AUTH). */
  readonly registryToken?: string;
  /** A complete Authorization header value in a scheme we do not interpret (CNB_REGISTRY_AUTH). */
  readonly header?: string;
}

/** Produces the credentials for one registry; lazy, so a credential helper runs only when needed. */
export interface Authenticator {
  authorization(signal?: AbortSignal): Promise<AuthConfig>;
}

/** Maps a registry name (as normalized by src/ref, e.g. `docker.io`, `127.0.0.1:5000`) to an Authenticator. */
export interface Keychain {
  resolve(registry: string, signal?: AbortSignal): Promise<Authenticator>;
}

/** True when the config carries no credentials at all. */
export function isAnonymous(c: AuthConfig): boolean {
  return !c.username && !c.password && !c.identityToken && !c.registryToken && !c.header;
}

/** The Authenticator for "no credentials" (GEN-09: anonymous when nothing matches). */
export const anonymous: Authenticator = { authorization: async () => ({}) };

/** An Authenticator for fixed credentials. */
export function staticAuthenticator(config: AuthConfig): Authenticator {
  return { authorization: async () => config };
}
