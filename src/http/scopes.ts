import type { HttpRequest } from './types.js';

/**
 * The token scopes a registry request needs when the caller gave none: `repository:<name>:pull` for reads,
 * `pull,push` for writes, plus `pull` on the source repository of a cross-repo mount (`?from=`).
 */
export function defaultScopes(req: HttpRequest): string[] {
  const url = new URL(req.url);
  const m = /^\/v2\/(.+?)\/(blobs|manifests|tags)(\/|$)/.exec(url.pathname);
  if (!m || m[1] === undefined) return [];
  const write = req.method !== 'GET' && req.method !== 'HEAD';
  const scopes = [`repository:${m[1]}:${write ? 'pull,push' : 'pull'}`];
  const from = url.searchParams.get('from');
  if (from && from !== m[1]) scopes.push(`repository:${from}:pull`);
  return scopes;
}

/**
 * Merges scope lists: actions on the same resource are united (`repository:a:pull` + `repository:a:push`
 * → `repository:a:pull,push`), and the result is sorted so equal sets give equal cache keys.
 */
export function mergeScopes(...lists: readonly (readonly string[])[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const s of lists.flat()) {
    const i = s.lastIndexOf(':');
    if (i <= 0) continue;
    const res = s.slice(0, i);
    const set = byResource.get(res) ?? new Set<string>();
    for (const a of s.slice(i + 1).split(',')) if (a) set.add(a);
    byResource.set(res, set);
  }
  return [...byResource.entries()].map(([r, a]) => `${r}:${[...a].sort().join(',')}`).sort();
}
