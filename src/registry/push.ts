import { LifecycleError } from '../errors/index.js';
import { mergeScopes, type RetryPolicy } from '../http/index.js';
import type { Image, Layer, WriteResult } from '../image/index.js';
import { sha256Digest, type Descriptor } from '../oci/index.js';
import { refIdentifier, type ImageRef } from '../ref/index.js';
import { mapConcurrent } from '../stream/index.js';
import { blobExists } from './blobs.js';
import { forRepository, type RepoClient } from './client.js';
import { putManifest } from './manifests.js';
import { mountSourceOf } from './remote-layer.js';
import { startUpload, uploadBlob, type UploadSource } from './upload.js';

/** What a push needs besides the image: the stack, the policy, and the store-wide single-flight map. */
export interface PushContext {
  readonly base: RepoClient;
  readonly policy: RetryPolicy;
  readonly concurrency: number;
  readonly chunkSize?: number;
  /**
   * Keyed `<registry>/<repository>@<digest>`: concurrent writes of one blob to one repository share one
   * promise. Entries leave the map when settled, so a later write checks the registry again.
   */
  readonly inflight: Map<string, Promise<void>>;
  readonly signal?: AbortSignal;
}

interface BlobJob {
  readonly source: UploadSource;
  /** Repositories on the same registry that may hold the blob, tried in order for a cross-repo mount. */
  readonly mountFrom: readonly string[];
}

/**
 * Makes sure one repository has one blob (DESIGN §6.7 step 8): HEAD → skip if present; else try a
 * cross-repo mount from each candidate (a 202 answer to a mount opens an upload session, which is used);
 * else upload the re-openable content (POST → PATCH → PUT, session retried as a whole).
 */
async function ensureBlob(c: RepoClient, job: BlobJob, ctx: PushContext): Promise<void> {
  const key = `${c.registry}/${c.repository}@${job.source.digest}`;
  const running = ctx.inflight.get(key);
  if (running) return running;
  const p = (async () => {
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
  })();
  ctx.inflight.set(key, p);
  try {
    await p;
  } finally {
    if (ctx.inflight.get(key) === p) ctx.inflight.delete(key);
  }
}

function layerJob(layer: Layer, desc: Descriptor, registry: string, extra: readonly string[]): BlobJob {
  const src = mountSourceOf(layer);
  const mountFrom = [...(src && src.registry === registry ? [src.repository] : []), ...extra];
  return { source: { digest: desc.digest, size: desc.size, open: (signal) => layer.compressed(signal) }, mountFrom: [...new Set(mountFrom)] };
}

/**
 * Writes `image` under `refs` (all on one registry, AN-03/EP-01). Per target repository, in order: every
 * layer (bounded concurrency, single-flight per digest), then the config blob, then the same manifest
 * bytes PUT to every tag of that repository (EP-03). Repositories after the first mount from the first.
 * The result's digest is sha256 of the raw manifest, checked against the registry's reply (EP-23).
 */
export async function pushImage(image: Image, refs: readonly ImageRef[], ctx: PushContext): Promise<WriteResult> {
  const first = refs[0];
  if (!first) throw new LifecycleError('ERR_REGISTRY', 'no image reference to write to');
  const registry = first.registry;
  if (refs.some((r) => r.registry !== registry)) throw new LifecycleError('ERR_REGISTRY', 'writing to multiple registries is unsupported');
  const raw = await image.rawManifest();
  const mediaType = await image.mediaType();
  const manifest = await image.manifest();
  const digest = sha256Digest(raw);
  const layers = await image.layers();
  if (layers.length !== manifest.layers.length) throw new LifecycleError('ERR_IMAGE', `image has ${layers.length} layers but its manifest lists ${manifest.layers.length}`);
  const rawConfig = await image.rawConfig();
  if (sha256Digest(rawConfig) !== manifest.config.digest) throw new LifecycleError('ERR_DIGEST', `image config does not match the manifest's config digest ${manifest.config.digest}`);

  const repos = [...new Set(refs.map((r) => r.repository))];
  const sources = layers.map(mountSourceOf).filter((s) => s?.registry === registry).map((s) => s?.repository as string);
  for (const [i, repo] of repos.entries()) {
    const earlier = repos.slice(0, i);
    const scopes = mergeScopes([`repository:${repo}:pull,push`], [...sources, ...earlier].filter((r) => r !== repo).map((r) => `repository:${r}:pull`));
    const c = forRepository(ctx.base, repo, scopes);
    await mapConcurrent(layers, ctx.concurrency, (layer, j) => ensureBlob(c, layerJob(layer, manifest.layers[j] as Descriptor, registry, earlier), ctx));
    const cfg = manifest.config;
    await ensureBlob(c, { source: { digest: cfg.digest, size: rawConfig.byteLength, open: async () => rawConfig }, mountFrom: earlier }, ctx);
    for (const ref of refs.filter((r) => r.repository === repo)) {
      await putManifest(c, refIdentifier(ref), raw, mediaType, ctx.signal);
    }
  }
  return { digest, imageId: manifest.config.digest, manifestSize: raw.byteLength };
}
