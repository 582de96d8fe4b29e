import { LifecycleError } from '../errors/index.js';
import { parseRef, repoName } from '../ref/index.js';

/** A reference as the daemon stores it: `repo` fully qualified (Docker's defaults applied), plus `tag`. */
export interface DaemonTag {
  readonly repo: string;
  readonly tag: string;
}

/**
 * Normalizes a tag reference for the daemon the way Docker reads it (src/ref): `app` →
 * `docker.io/library/app:latest`, `index.docker.io/org/app:1` → `docker.io/org/app:1`. Podman would file an
 * unqualified name under `localhost/`, so we always send the qualified form; Docker accepts it unchanged.
 * Invalid references and digest references (a daemon tags by tag) are ERR_IMAGE_REF.
 */
export function daemonTag(ref: string): DaemonTag {
  const r = parseRef(ref);
  if (r.digest !== undefined) throw new LifecycleError('ERR_IMAGE_REF', `invalid image reference '${ref}': a daemon image is tagged by tag, not digest`);
  return { repo: repoName(r), tag: r.tag ?? 'latest' };
}

/** `repo:tag` of a DaemonTag. */
export function formatDaemonTag(t: DaemonTag): string {
  return `${t.repo}:${t.tag}`;
}
