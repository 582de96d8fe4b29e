import type { RetryPolicy } from '../http/index.js';
import type { Layer } from '../image/index.js';
import type { Descriptor } from '../oci/index.js';
import { blobExists } from './blobs.js';
import type { RepoClient } from './client.js';
import type { BlobPreloads } from './preload.js';
import { mountSourceOf } from './remote-layer.js';
import { startUpload, uploadBlob, type UploadSource } from './upload.js';

/** What putting one blob into one repository needs (a subset of PushContext). */
export interface BlobContext {
  readonly policy: RetryPolicy;
  readonly chunkSize?: number;
  /**
   * Keyed by `blobKey`: concurrent writes of one blob to one repository share one promise. Entries leave
   * the map when settled, so a later write checks the registry again.
   */
  readonly inflight: Map<string, Promise<void>>;
  /** Layer uploads started before the write (RegistryStore.prepareLayer); a write consumes each once. */
  readonly preloads?: BlobPreloads;
  readonly signal?: AbortSignal;
}

/** One blob for one repository: the re-openable content and where a cross-repo mount may come from. */
export interface BlobJob {
  readonly source: UploadSource;
  /** Repositories on the same registry that may hold the blob, tried in order for a cross-repo mount. */
  readonly mountFrom: readonly string[];
}

/** The single-flight key of a blob (by its blob digest) in one repository: `<registry>/<repository>@<digest>`. */
export function blobKey(c: RepoClient, digest: string): string {
  return `${c.registry}/${c.repository}@${digest}`;
}

/**
 * HEAD → skip if present; else try a cross-repo mount from each candidate (a 202 answer to a mount opens an
 * upload session, which is used); else upload the re-openable content (POST → PATCH → PUT, session retried
 * as a whole). No single-flight here: see `ensureBlob`.
 */
export async function pushBlob(c: RepoClient, job: BlobJob, ctx: Omit<BlobContext, 'inflight'>): Promise<void> {
  if ((await blobExists(c, job.source.digest, ctx.signal)) !== undefined) return;
  let location: string | undefined;
  for (const from of job.mountFrom) {
    if (from === c.repository) continue;
    const r = await startUpload(c, { digest: job.source.digest, from }, ctx.signal);
    if (r === 'mounted') return;
    location = r;
    break;
  }
  await uploadBlob(c, job.source, { policy: ctx.policy, chunkSize: ctx.chunkSize, location, signal: ctx.signal });
}

/**
 * Makes sure one repository has one blob (DESIGN §6.7 step 8), single-flight per `blobKey`. An upload
 * started early for this blob (a preload) is joined instead of starting another: its success means the
 * blob is there (no second HEAD), its failure is this write's failure (the same typed error).
 */
export async function ensureBlob(c: RepoClient, job: BlobJob, ctx: BlobContext): Promise<void> {
  const key = blobKey(c, job.source.digest);
  const running = ctx.inflight.get(key);
  if (running) return running;
  const p = ctx.preloads?.take(key) ?? pushBlob(c, job, ctx);
  ctx.inflight.set(key, p);
  try {
    await p;
  } finally {
    if (ctx.inflight.get(key) === p) ctx.inflight.delete(key);
  }
}

/** The blob job of an image layer: its manifest descriptor, and its own repository first as a mount source. */
export function layerJob(layer: Layer, desc: Descriptor, registry: string, extra: readonly string[]): BlobJob {
  const src = mountSourceOf(layer);
  const mountFrom = [...(src && src.registry === registry ? [src.repository] : []), ...extra];
  return { source: { digest: desc.digest, size: desc.size, open: (signal) => layer.compressed(signal) }, mountFrom: [...new Set(mountFrom)] };
}
