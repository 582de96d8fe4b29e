import type { ProcessRunner } from '../sys/index.js';
import { dockerConfigKeychain } from './docker-config.js';
import { envKeychain } from './env-keychain.js';
import { multiKeychain as multi } from './multi-keychain.js';
import type { Keychain } from './types.js';

/**
 * GEN-09: CNB_REGISTRY_AUTH when set (it wins for registries it names), then docker config.json
 * (DOCKER_CONFIG or ~/.docker) with its auths, credsStore and credHelpers; anonymous otherwise.
 * REF also consults the docker config when CNB_REGISTRY_AUTH is set but names another registry; so do we.
 */
export function defaultKeychain(opts: { env: Readonly<Record<string, string | undefined>>; runner?: ProcessRunner; helperTimeoutMs?: number }): Keychain {
  const fromEnv = envKeychain(opts.env);
  const fromDocker = dockerConfigKeychain(opts);
  return fromEnv ? multi(fromEnv, fromDocker) : fromDocker;
}
