/** Query parameters that carry no secret and help debugging; every other value is redacted. */
const SAFE_QUERY = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope']);

/** Headers whose values are credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-registry-auth', 'x-amz-security-token']);

export const REDACTED = '[REDACTED]';

/**
 * A URL safe to log: no user-info, and query values other than a small allow-list (digest, mount, from,
 * scope, ...) replaced, since signed storage redirects and upload state carry secrets in the query.
 */
export function redactUrl(url: string): string {
  const noUser = url.replace(/^([a-z]+:\/\/)[^/@?#]*@/i, '$1');
  const q = noUser.indexOf('?');
  if (q < 0) return noUser;
  const hash = noUser.indexOf('#', q);
  const query = noUser.slice(q + 1, hash < 0 ? undefined : hash);
  const parts = query.split('&').map((p) => {
    const eq = p.indexOf('=');
    const key = eq < 0 ? p : p.slice(0, eq);
    return SAFE_QUERY.has(decodeURIComponent(key).toLowerCase()) ? p : `${key}=${REDACTED}`;
  });
  return `${noUser.slice(0, q)}?${parts.join('&')}`;
}

/** A header value safe to log: credentials keep only their scheme (`Basic [REDACTED]`). */
export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(\S+)\s/.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

/** All headers, redacted, as `name: value` pairs. */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  return Object.entries(headers)
    .filter((e): e is [string, string | string[]] => e[1] !== undefined)
    .map(([k, v]) => `${k}: ${redactHeader(k, Array.isArray(v) ? v.join(', ') : v)}`)
    .join('; ');
}
