import type { Digest } from '../oci/index.js';
import { DOCKER_HUB, DOCKER_HUB_API_HOST, normalizeRegistry, type ImageRef } from './reference.js';

/** `registry/repository` (the repository's full name, no tag or digest). */
export function repoName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The manifest identifier used in `/v2/<repo>/manifests/<id>`: the digest when present, else the tag. */
export function refIdentifier(ref: ImageRef): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/** The fully qualified string form, `registry/repo:tag`, `registry/repo@digest` or `registry/repo:tag@digest`. */
export function formatRef(ref: ImageRef): string {
  return `${repoName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The digest reference `registry/repo@<manifest digest>` (AN-11 run-image reference). */
export function withDigest(ref: ImageRef, digest: Digest): ImageRef {
  return { registry: ref.registry, repository: ref.repository, digest };
}

/** The same repository with another tag (and no digest). */
export function withTag(ref: ImageRef, tag: string): ImageRef {
  return { registry: ref.registry, repository: ref.repository, tag };
}

/** True when both references live on the same registry (AN-03, EP-01). */
export function sameRegistry(a: ImageRef, b: ImageRef): boolean {
  return a.registry === b.registry;
}

/** The host that serves the registry API: `index.docker.io` for Docker Hub, else the registry itself. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/**
 * True for registries REF reaches over plain HTTP when HTTPS fails: `localhost`, loopback addresses,
 * `*.local` and RFC 1918 private addresses (with any port).
 */
export function isLocalRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  if (host === 'localhost' || host.endsWith('.local') || host === '[::1]') return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * Normalizes the insecure-registry inputs: repeated `-insecure-registry` values and/or the
 * comma-separated CNB_INSECURE_REGISTRIES (GEN-05). Empty entries are dropped; names are normalized.
 */
export function parseInsecureRegistries(values: string | readonly string[] | undefined): string[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out = new Set<string>();
  for (const v of list) {
    for (const part of v.split(',')) {
      const s = part.trim().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      if (s !== '') out.add(normalizeRegistry(s));
    }
  }
  return [...out];
}
