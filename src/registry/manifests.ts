import { LifecycleError } from '../errors/index.js';
import { dumpBody, errorFromResponse, header, readBody } from '../http/index.js';
import { isIndexType, isManifestType, MediaTypes, sha256Digest, isDigest, type Descriptor, type Digest } from '../oci/index.js';
import { expect, repoUrl, send, type RepoClient } from './client.js';

/** Everything we can read: OCI and Docker manifests and indexes (no schema 1). */
export const MANIFEST_ACCEPT = [MediaTypes.ociManifest, MediaTypes.dockerManifest, MediaTypes.ociIndex, MediaTypes.dockerManifestList].join(', ');

/** Registries cap manifests at 4 MiB; so do we. */
const MAX_MANIFEST = 4 * 1024 * 1024;

/** A fetched manifest or index: raw bytes, media type and digest (sha256 of the raw bytes). */
export interface FetchedManifest {
  readonly raw: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
}

function mediaTypeOf(raw: Buffer, contentType: string | undefined): string {
  let field: unknown;
  try {
    field = (JSON.parse(raw.toString('utf8')) as { mediaType?: unknown }).mediaType;
  } catch {
    /* checked by the parser later */
  }
  if (typeof field === 'string' && field !== '') return field;
  return (contentType ?? '').split(';')[0]?.trim() ?? '';
}

/**
 * HEAD /v2/<repo>/manifests/<tag|digest>: the descriptor (media type, digest from Docker-Content-Digest,
 * size) or undefined on 404.
 */
export async function headManifest(c: RepoClient, identifier: string, signal?: AbortSignal): Promise<Descriptor | undefined> {
  c.events?.('manifest-head', { repository: c.repository, tag: identifier });
  const { req, res } = await send(c, { method: 'HEAD', url: repoUrl(c, `manifests/${identifier}`), headers: { Accept: MANIFEST_ACCEPT } }, signal);
  await dumpBody(res);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw await errorFromResponse(req, res, `check manifest ${identifier}`);
  const d = header(res, 'docker-content-digest');
  const digest = isDigest(d) ? d : isDigest(identifier) ? identifier : undefined;
  if (!digest) throw new LifecycleError('ERR_REGISTRY', `registry ${c.registry}: HEAD manifest ${c.repository}:${identifier} gave no Docker-Content-Digest`);
  return { mediaType: (header(res, 'content-type') ?? '').split(';')[0] ?? '', digest, size: Number(header(res, 'content-length') ?? -1) };
}

/**
 * GET /v2/<repo>/manifests/<tag|digest> with every supported media type accepted. Undefined on 404
 * (MANIFEST_UNKNOWN / NAME_UNKNOWN). Verified: the digest of the bytes must equal the digest asked for and
 * the registry's Docker-Content-Digest (ERR_DIGEST otherwise); the media type must be one we read (ERR_IMAGE).
 */
export async function getManifest(c: RepoClient, identifier: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
  c.events?.('manifest-get', { repository: c.repository, tag: identifier });
  const { req, res } = await send(c, { method: 'GET', url: repoUrl(c, `manifests/${identifier}`), headers: { Accept: MANIFEST_ACCEPT } }, signal);
  if (res.status !== 200) {
    const err = await errorFromResponse(req, res, `get manifest ${identifier}`);
    if (err.notFound) return undefined;
    throw err;
  }
  const raw = await readBody(res, MAX_MANIFEST + 1);
  const where = `manifest ${c.registry}/${c.repository}${isDigest(identifier) ? '@' : ':'}${identifier}`;
  if (raw.length > MAX_MANIFEST) throw new LifecycleError('ERR_IMAGE', `${where}: larger than ${MAX_MANIFEST} bytes`);
  const digest = sha256Digest(raw);
  if (isDigest(identifier) && digest !== identifier) throw new LifecycleError('ERR_DIGEST', `${where}: content has digest ${digest}`);
  const reported = header(res, 'docker-content-digest');
  if (reported !== undefined && reported !== digest) throw new LifecycleError('ERR_DIGEST', `${where}: registry reports digest ${reported} but content has ${digest}`);
  const mediaType = mediaTypeOf(raw, header(res, 'content-type'));
  if (!isManifestType(mediaType) && !isIndexType(mediaType)) throw new LifecycleError('ERR_IMAGE', `${where}: unsupported media type '${mediaType}'`);
  return { raw, mediaType, digest };
}

/**
 * PUT /v2/<repo>/manifests/<tag|digest> with the exact bytes and Content-Type. Returns the digest
 * (sha256 of `raw`), checked against the registry's Docker-Content-Digest (ERR_DIGEST on mismatch).
 */
export async function putManifest(c: RepoClient, identifier: string, raw: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<Digest> {
  c.events?.('manifest-put', { repository: c.repository, tag: identifier });
  const digest = sha256Digest(raw);
  const res = await expect(
    c,
    { method: 'PUT', url: repoUrl(c, `manifests/${identifier}`), headers: { 'Content-Type': mediaType, 'Content-Length': String(raw.byteLength) }, body: raw },
    [200, 201, 202],
    `put manifest ${identifier}`,
    signal,
  );
  await dumpBody(res);
  const got = header(res, 'docker-content-digest');
  if (got !== undefined && got !== digest) {
    throw new LifecycleError('ERR_DIGEST', `registry ${c.registry}: put manifest ${c.repository}:${identifier}: registry reports digest ${got}, ours is ${digest}`);
  }
  return digest;
}

/**
 * DELETE /v2/<repo>/manifests/<digest> (EP-30). Registries delete manifests by digest only; 202 (or 200) is
 * success and a missing manifest (404, MANIFEST_UNKNOWN) is not an error (already gone). A registry that does
 * not allow deletes answers 405 UNSUPPORTED (docker-registry without `storage.delete.enabled`): that, like any
 * other failure, is a RegistryError naming the registry.
 */
export async function deleteManifest(c: RepoClient, digest: Digest, signal?: AbortSignal): Promise<void> {
  c.events?.('manifest-delete', { repository: c.repository, digest });
  const { req, res } = await send(c, { method: 'DELETE', url: repoUrl(c, `manifests/${digest}`) }, signal);
  if (res.status === 200 || res.status === 202) {
    await dumpBody(res);
    return;
  }
  const err = await errorFromResponse(req, res, `delete manifest ${digest}`);
  if (err.notFound) return;
  throw err;
}
