import { join } from 'node:path';
import { DOCKER_HUB, DOCKER_HUB_API_HOST, parseRef, type ImageRef } from '../ref/index.js';

/**
 * FMT-25 (AN-16, EP-27): where an image reference lives under `<layout-dir>`:
 * `<layout-dir>/<registry>/<repo>/<image>/<tag>`, or for a digest reference
 * `<layout-dir>/<registry>/<repo>/<image>/<algorithm>/<hex>` (the digest wins when both are given).
 * [REF] names Docker Hub `index.docker.io` and adds `library/` (ggcr RegistryStr/RepositoryStr), so
 * `ubuntu:22.04` maps to `index.docker.io/library/ubuntu/22.04`; we follow REF.
 */
export function layoutPath(layoutDir: string, ref: string | ImageRef): string {
  const r = typeof ref === 'string' ? parseRef(ref) : ref;
  const registry = r.registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : r.registry;
  const base = join(layoutDir, registry, ...r.repository.split('/'));
  if (r.digest !== undefined) {
    const [algorithm, hex] = r.digest.split(':') as [string, string];
    return join(base, algorithm, hex);
  }
  return join(base, r.tag ?? 'latest');
}
