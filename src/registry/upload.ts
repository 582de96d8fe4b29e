import type { Readable } from 'node:stream';
import { LifecycleError } from '../errors/index.js';
import { dumpBody, header, withRetry, type RetryPolicy } from '../http/index.js';
import type { Digest } from '../oci/index.js';
import { blobExists } from './blobs.js';
import { expect, send, repoUrl, type RepoClient } from './client.js';

/** Content to upload: its blob digest and size, and a reader that can be opened again for every attempt. */
export interface UploadSource {
  readonly digest: Digest;
  readonly size: number;
  open(signal?: AbortSignal): Promise<Readable | Uint8Array>;
}

/** Upload options: `chunkSize` switches from one streaming PATCH (monolithic) to Content-Range chunks. */
export interface UploadOptions {
  readonly policy: RetryPolicy;
  readonly chunkSize?: number;
  /** An upload session already opened (e.g. by a mount attempt the registry answered with 202). */
  readonly location?: string;
  readonly signal?: AbortSignal;
}

function resolveLocation(loc: string | undefined, base: string, what: string): string {
  if (!loc) throw new LifecycleError('ERR_REGISTRY', `${what}: registry sent no Location header`);
  return new URL(loc, base).toString();
}

/**
 * POST /v2/<repo>/blobs/uploads/ (optionally `?mount=<digest>&from=<repo>`): 'mounted' when the registry
 * mounted the blob (201), else the upload session URL (202).
 */
export async function startUpload(c: RepoClient, mount?: { digest: Digest; from: string }, signal?: AbortSignal): Promise<'mounted' | string> {
  const url = new URL(repoUrl(c, 'blobs/uploads/'));
  if (mount) {
    url.searchParams.set('mount', mount.digest);
    url.searchParams.set('from', mount.from);
    c.events?.('mount-attempt', { repository: c.repository, digest: mount.digest });
  }
  c.events?.('upload-start', { repository: c.repository, digest: mount?.digest });
  const res = await expect(c, { method: 'POST', url: url.toString(), headers: { 'Content-Length': '0' } }, [201, 202], mount ? `mount blob ${mount.digest} from ${mount.from}` : 'start upload', signal);
  await dumpBody(res);
  if (res.status === 201 && mount) {
    c.events?.('mount', { repository: c.repository, digest: mount.digest });
    return 'mounted';
  }
  return resolveLocation(header(res, 'location'), url.toString(), `registry ${c.registry}: start upload to ${c.repository}`);
}

async function* chunks(src: Readable | Uint8Array, size: number): AsyncGenerator<Buffer> {
  if (!(src instanceof Uint8Array)) {
    let buf: Buffer[] = [];
    let n = 0;
    for await (const c of src as Readable) {
      buf.push(c as Buffer);
      n += (c as Buffer).length;
      while (n >= size) {
        const all = Buffer.concat(buf);
        yield all.subarray(0, size);
        buf = [all.subarray(size)];
        n -= size;
      }
    }
    if (n > 0) yield Buffer.concat(buf);
    return;
  }
  for (let i = 0; i < src.length; i += size) yield Buffer.from(src.subarray(i, i + size));
}

/** One session: PATCH (one streaming request, or Content-Range chunks), then PUT ?digest=. */
async function session(c: RepoClient, src: UploadSource, location: string, opts: UploadOptions): Promise<void> {
  const what = `upload blob ${src.digest}`;
  let loc = location;
  if (opts.chunkSize === undefined) {
    const res = await expect(
      c,
      { method: 'PATCH', url: loc, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(src.size) }, body: () => src.open(opts.signal), retry: false },
      [202, 204],
      what,
      opts.signal,
    );
    await dumpBody(res);
    loc = resolveLocation(header(res, 'location'), loc, `registry ${c.registry}: ${what}`);
  } else {
    let offset = 0;
    for await (const chunk of chunks(await src.open(opts.signal), opts.chunkSize)) {
      const range = `${offset}-${offset + chunk.length - 1}`;
      const res = await expect(
        c,
        { method: 'PATCH', url: loc, headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': range, 'Content-Length': String(chunk.length) }, body: chunk, retry: false },
        [202, 204],
        what,
        opts.signal,
      );
      await dumpBody(res);
      loc = resolveLocation(header(res, 'location'), loc, `registry ${c.registry}: ${what}`);
      offset += chunk.length;
    }
  }
  const put = new URL(loc);
  put.searchParams.set('digest', src.digest);
  const res = await expect(c, { method: 'PUT', url: put.toString(), headers: { 'Content-Length': '0' } }, [201, 204], what, opts.signal);
  await dumpBody(res);
  const got = header(res, 'docker-content-digest');
  if (got !== undefined && got !== src.digest) {
    throw new LifecycleError('ERR_DIGEST', `registry ${c.registry}: ${what} to ${c.repository}: registry reports digest ${got}`);
  }
}

/**
 * Uploads a blob: POST → PATCH → PUT ?digest=, checking Docker-Content-Digest. The PATCH streams the
 * re-openable source and is never retried alone (a half-received PATCH leaves the session at an unknown
 * offset); instead the whole session restarts under the same retry policy, after a HEAD shows the blob is
 * still missing (a lost PUT reply may have completed it).
 */
export async function uploadBlob(c: RepoClient, src: UploadSource, opts: UploadOptions): Promise<void> {
  await withRetry(
    opts.policy,
    async (attempt) => {
      c.events?.('upload-attempt', { repository: c.repository, digest: src.digest });
      if (attempt > 1 && (await blobExists(c, src.digest, opts.signal)) !== undefined) return;
      const loc = attempt === 1 && opts.location ? opts.location : await startUpload(c, undefined, opts.signal);
      await session(c, src, loc as string, opts);
    },
    { signal: opts.signal },
  );
  c.events?.('upload', { repository: c.repository, digest: src.digest });
}

/** DELETE an upload session (best effort; used after a write-access probe). */
export async function cancelUpload(c: RepoClient, location: string, signal?: AbortSignal): Promise<void> {
  try {
    const { res } = await send(c, { method: 'DELETE', url: location }, signal);
    await dumpBody(res);
  } catch {
    /* best effort */
  }
}
