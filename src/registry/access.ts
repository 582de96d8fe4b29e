import { LifecycleError } from '../errors/index.js';
import { errorFromResponse, RegistryError } from '../http/index.js';
import { formatRef, refIdentifier, type ImageRef } from '../ref/index.js';
import { dumpBody, header } from '../http/index.js';
import { forRepository, repoUrl, send, type RepoClient } from './client.js';
import { MANIFEST_ACCEPT } from './manifests.js';
import { cancelUpload } from './upload.js';

function denied(kind: 'read' | 'write', ref: ImageRef, cause: unknown): LifecycleError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const code = cause instanceof RegistryError && (cause.status === 401 || cause.status === 403) ? 'ERR_AUTH' : 'ERR_REGISTRY';
  return new LifecycleError(code, `no ${kind} access to image '${formatRef(ref)}' on registry ${ref.registry}: ${why}`, { cause });
}

/**
 * AN-06 read access: HEAD the manifest with a pull token. Present (200) or absent (404) both count as
 * readable (AN-05: a missing previous image is fine); 401/403 or a failure throws an error naming image and registry.
 */
export async function checkReadAccess(base: RepoClient, ref: ImageRef, signal?: AbortSignal): Promise<void> {
  const c = forRepository(base, ref.repository, [`repository:${ref.repository}:pull`]);
  try {
    const { req, res } = await send(c, { method: 'HEAD', url: repoUrl(c, `manifests/${refIdentifier(ref)}`), headers: { Accept: MANIFEST_ACCEPT } }, signal);
    await dumpBody(res);
    if (res.status !== 200 && res.status !== 404) throw await errorFromResponse(req, res, 'check read access');
  } catch (e) {
    throw denied('read', ref, e);
  }
}

/**
 * AN-06 write access (as REF): with a pull,push token, open a blob upload session (POST), then cancel it
 * (DELETE, best effort). 401/403 or a failure throws an error naming image and registry.
 */
export async function checkWriteAccess(base: RepoClient, ref: ImageRef, signal?: AbortSignal): Promise<void> {
  const c = forRepository(base, ref.repository, [`repository:${ref.repository}:pull,push`]);
  try {
    const { req, res } = await send(c, { method: 'POST', url: repoUrl(c, 'blobs/uploads/'), headers: { 'Content-Length': '0' } }, signal);
    if (res.status !== 202 && res.status !== 201) throw await errorFromResponse(req, res, 'check write access');
    await dumpBody(res);
    const loc = header(res, 'location');
    if (loc) await cancelUpload(c, new URL(loc, req.url).toString(), signal);
  } catch (e) {
    throw denied('write', ref, e);
  }
}
