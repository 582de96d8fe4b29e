import { LifecycleError } from '../errors/index.js';
import { isDigest } from './digest.js';
import { isIndexType, isManifestType } from './media-types.js';
import type { Descriptor, ImageConfig, IndexManifest, Manifest } from './types.js';

function fail(what: string, msg: string): never {
  throw new LifecycleError('ERR_IMAGE', `invalid ${what}: ${msg}`);
}

function json(bytes: Uint8Array | string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    fail(what, `not JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(what, 'not a JSON object');
  return v as Record<string, unknown>;
}

/** Validates one descriptor (media type, digest, non-negative integer size). */
export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (v === null || typeof v !== 'object') fail(what, 'descriptor is not an object');
  const d = v as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string') fail(what, 'descriptor has no mediaType');
  if (!isDigest(d['digest'])) fail(what, `descriptor digest '${String(d['digest'])}' is not a sha256 digest`);
  if (typeof d['size'] !== 'number' || !Number.isSafeInteger(d['size']) || d['size'] < 0) fail(what, 'descriptor size is invalid');
  return d as unknown as Descriptor;
}

/** Parses a manifest's raw bytes and validates its shape. */
export function parseManifest(raw: Uint8Array | string, fallbackMediaType?: string): Manifest {
  const m = json(raw, 'manifest');
  if (m['schemaVersion'] !== 2) fail('manifest', `schemaVersion ${String(m['schemaVersion'])} is not 2`);
  const mt = (m['mediaType'] as string | undefined) ?? fallbackMediaType;
  if (mt !== undefined && !isManifestType(mt)) fail('manifest', `media type '${mt}' is not an image manifest`);
  parseDescriptor(m['config'], 'manifest config');
  if (!Array.isArray(m['layers'])) fail('manifest', 'layers is not an array');
  (m['layers'] as unknown[]).forEach((l, i) => parseDescriptor(l, `manifest layer ${i}`));
  return m as unknown as Manifest;
}

/** Parses an index / manifest list's raw bytes. */
export function parseIndex(raw: Uint8Array | string): IndexManifest {
  const m = json(raw, 'image index');
  if (m['schemaVersion'] !== 2) fail('image index', `schemaVersion ${String(m['schemaVersion'])} is not 2`);
  const mt = m['mediaType'] as string | undefined;
  if (mt !== undefined && !isIndexType(mt)) fail('image index', `media type '${mt}' is not an index`);
  if (!Array.isArray(m['manifests'])) fail('image index', 'manifests is not an array');
  (m['manifests'] as unknown[]).forEach((d, i) => parseDescriptor(d, `index entry ${i}`));
  return m as unknown as IndexManifest;
}

/** Parses an image config's raw bytes; requires rootfs.diff_ids of sha256 digests. */
export function parseConfig(raw: Uint8Array | string): ImageConfig {
  const c = json(raw, 'image config');
  const rootfs = c['rootfs'] as { diff_ids?: unknown } | undefined;
  if (!rootfs || !Array.isArray(rootfs.diff_ids)) fail('image config', 'rootfs.diff_ids is missing');
  if (!(rootfs.diff_ids as unknown[]).every(isDigest)) fail('image config', 'rootfs.diff_ids has an invalid digest');
  return c as unknown as ImageConfig;
}

/** Canonical JSON bytes for a manifest, index or config (object key order as constructed, no spaces). */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
