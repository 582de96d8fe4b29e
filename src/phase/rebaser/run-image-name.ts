import { parseRef } from '../../ref/index.js';
import type { RunImageEntry } from '../../platform/index.js';

/**
 * The name two run image references are compared by ([REF] `iname.ParseMaybe`): the digest is dropped, the
 * tag kept (default `latest`) and the registry/repository normalized (`ubuntu` → `docker.io/library/ubuntu:latest`).
 * A reference that does not parse is compared as given.
 */
export function comparableName(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  try {
    const r = parseRef(noDigest);
    return `${r.registry}/${r.repository}:${r.tag ?? 'latest'}`;
  } catch {
    return ref;
  }
}

/** RB-08/RB-09: true when `ref` names `entry.image` or one of `entry.mirrors` (compared by `comparableName`). */
export function entryContains(entry: Partial<RunImageEntry> | undefined, ref: string): boolean {
  if (!entry) return false;
  const want = comparableName(ref);
  return [entry.image ?? '', ...(entry.mirrors ?? [])].some((n) => n !== '' && comparableName(n) === want);
}
