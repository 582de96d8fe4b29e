import { normalizeRegistry } from '../ref/index.js';

/**
 * Normalizes a registry key as docker does for config.json `auths` and CNB_REGISTRY_AUTH keys:
 * strips a scheme and any path (`https://index.docker.io/v1/` → `docker.io`), lower-cases, and collapses
 * Docker Hub aliases. Returns undefined for keys that are not registry names.
 */
export function registryKey(key: string): string | undefined {
  const host = key.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  try {
    return normalizeRegistry(host);
  } catch {
    return undefined;
  }
}

/** The server URL docker uses for a registry in credential-helper calls (Docker Hub's is historical). */
export function helperServerUrl(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}
