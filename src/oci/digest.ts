import { createHash } from 'node:crypto';
import { LifecycleError } from '../errors/index.js';

/** A content digest `sha256:<64 lowercase hex>`. Branded: never a bare string in signatures. */
export type Digest = string & { readonly __brand: 'Digest' };

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** Parses and validates a digest; ERR_DIGEST on anything that is not `sha256:<64 hex>`. */
export function parseDigest(text: string): Digest {
  if (!DIGEST_RE.test(text)) throw new LifecycleError('ERR_DIGEST', `invalid digest '${text}'`);
  return text as Digest;
}

/** True when `text` is a well-formed sha256 digest. */
export function isDigest(text: unknown): text is Digest {
  return typeof text === 'string' && DIGEST_RE.test(text);
}

/** sha256 of in-memory bytes, as a Digest. */
export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
}

/** The 64-hex part of a digest (the blob file name in an OCI layout). */
export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}
