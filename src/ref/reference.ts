import { LifecycleError } from '../errors/index.js';
import { isDigest, type Digest } from '../oci/index.js';

/**
 * A parsed, normalized image reference. Pure value: no I/O, no context.
 * `registry` is the canonical registry name (`docker.io` for Docker Hub, else `host[:port]` in lower case);
 * `repository` is the path within it (`library/` added for single-component Docker Hub names).
 * At least one of `tag` and `digest` is set; `tag` defaults to `latest` when neither is given.
 * `digest` is a manifest digest (sha256 of the raw manifest bytes).
 */
export interface ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

/** Docker Hub's canonical registry name, and the host its API is served from. */
export const DOCKER_HUB = 'docker.io';
export const DOCKER_HUB_API_HOST = 'index.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const MAX_NAME = 255;
// A repository path component (docker/distribution grammar): lower-case alphanumerics, separated by . _ __ or dashes.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// A host name (labels of alphanumerics and dashes), an IPv4 address, or a bracketed IPv6 address; optional port.
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;

function fail(text: string, cause: string): never {
  throw new LifecycleError('ERR_IMAGE_REF', `invalid image reference '${text}': ${cause}`);
}

/** True when the first path component names a registry (docker rule: has `.` or `:`, or is `localhost`). */
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Validates `host[:port]`; returns it lower-cased, with Docker Hub aliases collapsed to `docker.io`. */
export function normalizeRegistry(host: string, text = host): string {
  let name = host;
  let port: string | undefined;
  const m = /^(.*?)(?::(\d+))?$/.exec(host);
  if (m && !IPV6.test(host)) {
    name = m[1] ?? '';
    port = m[2];
  } else if (/^\[.*\]:\d+$/.test(host)) {
    const i = host.lastIndexOf(':');
    name = host.slice(0, i);
    port = host.slice(i + 1);
  }
  if (name === '') fail(text, 'empty registry host');
  if (!IPV6.test(name) && !name.split('.').every((l) => HOST_LABEL.test(l))) fail(text, `invalid registry host '${host}'`);
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) fail(text, `invalid registry port '${port}'`);
  const out = (port === undefined ? name : `${name}:${port}`).toLowerCase();
  return HUB_ALIASES.has(out) ? DOCKER_HUB : out;
}

/**
 * Parses `[registry/]repository[:tag][@sha256:<hex>]`. Throws ERR_IMAGE_REF naming the reference.
 * Defaults: registry `docker.io`, `library/` for one-component Hub names, tag `latest` when no digest.
 */
export function parseRef(text: string): ImageRef {
  if (typeof text !== 'string' || text === '') fail(String(text), 'empty reference');
  if (text !== text.trim() || /\s/.test(text)) fail(text, 'contains whitespace');
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) fail(text, `invalid digest '${d}' (want sha256:<64 lowercase hex>)`);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(text, `invalid tag '${tag}'`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeRegistry(parts[0] ?? '')) registry = normalizeRegistry(parts.shift() ?? '', text);
  if (parts.length === 0 || parts.some((p) => p === '')) fail(text, 'empty repository path component');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why = /[A-Z]/.test(p) ? 'repository name must be lowercase' : `invalid repository component '${p}'`;
      fail(text, why);
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (`${registry}/${repository}`.length > MAX_NAME) fail(text, `name longer than ${MAX_NAME} characters`);
  if (tag === undefined && digest === undefined) tag = 'latest';
  return digest === undefined ? { registry, repository, tag } : tag === undefined ? { registry, repository, digest } : { registry, repository, tag, digest };
}

/** True when `text` parses as an image reference. */
export function isValidRef(text: string): boolean {
  try {
    parseRef(text);
    return true;
  } catch {
    return false;
  }
}
