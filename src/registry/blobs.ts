import type { Readable } from 'node:stream';
import { dumpBody, header } from '../http/index.js';
import type { Descriptor, Digest } from '../oci/index.js';
import { verifyStream } from '../stream/index.js';
import { expect, repoUrl, send, type RepoClient } from './client.js';
import { errorFromResponse } from '../http/index.js';

/**
 * HEAD /v2/<repo>/blobs/<digest>: the blob's size when the repository has it, undefined on 404.
 * `digest` is a blob digest (sha256 of the compressed bytes for layers, of the raw config for configs).
 */
export async function blobExists(c: RepoClient, digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
  c.events?.('blob-head', { repository: c.repository, digest });
  const { req, res } = await send(c, { method: 'HEAD', url: repoUrl(c, `blobs/${digest}`) }, signal);
  await dumpBody(res);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw await errorFromResponse(req, res, `check blob ${digest}`);
  c.events?.('blob-exists', { repository: c.repository, digest });
  const len = Number(header(res, 'content-length'));
  return Number.isFinite(len) ? len : -1;
}

/**
 * GET /v2/<repo>/blobs/<digest> (redirects followed). The stream is verified against the descriptor's
 * digest and size at EOF (ERR_DIGEST), so a reader that consumes it to the end never sees bad bytes unnoticed.
 */
export async function getBlob(c: RepoClient, desc: Pick<Descriptor, 'digest' | 'size'>, signal?: AbortSignal): Promise<Readable> {
  c.events?.('blob-get', { repository: c.repository, digest: desc.digest });
  const res = await expect(c, { method: 'GET', url: repoUrl(c, `blobs/${desc.digest}`) }, [200], `get blob ${desc.digest}`, signal);
  const what = `blob ${desc.digest} from ${c.registry}/${c.repository}`;
  return verifyStream(res.body, { digest: desc.digest, size: desc.size }, what);
}
