import type { AuthConfig } from './types.js';

/**
 * Turns an Authorization header value (CNB_REGISTRY_AUTH, GEN-09) into an AuthConfig, as REF does:
 * `Basic <base64 user:pass>` → username/password, `Bearer <token>` → registryToken, anything else → header.
 */
export function authConfigFromHeader(value: string): AuthConfig {
  const m = /^(\S+)\s+(.+)$/.exec(value.trim());
  if (m && m[1] !== undefined && m[2] !== undefined) {
    const scheme = m[1].toLowerCase();
    if (scheme === 'bearer') return { registryToken: m[2] };
    if (scheme === 'basic') {
      const decoded = decodeBasic(m[2]);
      if (decoded) return decoded;
    }
  }
  return { header: value.trim() };
}

/** Decodes base64 `user:pass` (docker `auth` field); undefined when it is not of that form. */
export function decodeBasic(b64: string): { username: string; password: string } | undefined {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i <= 0) return undefined;
  return { username: text.slice(0, i), password: text.slice(i + 1) };
}
