import { LifecycleError } from '../errors/index.js';
import { authConfigFromHeader } from './header.js';
import { registryKey } from './registry-key.js';
import { anonymous, staticAuthenticator, type Keychain } from './types.js';

/**
 * GEN-09: the CNB_REGISTRY_AUTH keychain. The value must be a JSON object mapping registry names to
 * Authorization header values. Parsed eagerly (no I/O) so a bad value fails before any work starts.
 * Returns undefined when the variable is unset or empty.
 */
export function envKeychain(env: Readonly<Record<string, string | undefined>>): Keychain | undefined {
  const raw = env['CNB_REGISTRY_AUTH'];
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Never echo the value: it holds credentials.
    throw new LifecycleError('ERR_AUTH', 'failed to parse CNB_REGISTRY_AUTH: not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LifecycleError('ERR_AUTH', 'failed to parse CNB_REGISTRY_AUTH: not a JSON object');
  }
  const byRegistry = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new LifecycleError('ERR_AUTH', `failed to parse CNB_REGISTRY_AUTH: value for '${key}' is not a string`);
    const reg = registryKey(key);
    if (reg !== undefined) byRegistry.set(reg, value);
  }
  return {
    resolve: async (registry) => {
      const header = byRegistry.get(registry);
      return header === undefined ? anonymous : staticAuthenticator(authConfigFromHeader(header));
    },
  };
}
