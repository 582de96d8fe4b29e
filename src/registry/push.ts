import { LifecycleError } from '../errors/index.js';
import { mergeScopes } from '../http/index.js';
import type { Image, WriteResult } from '../image/index.js';
import { sha256Digest, type Descriptor } from '../oci/index.js';
import { refIdentifier, type ImageRef } from '../ref/index.js';
import { mapConcurrent } from '../stream/index.js';
import { forRepository, type RepoClient } from './client.js';
import { ensureBlob, layerJob, type BlobContext } from './ensure-blob.js';
import { putManifest } from './manifests.js';
import { mountSourceOf } from './remote-layer.js';

/** What a push needs besides the image: the stack, the policy, and the store-wide single-flight state. */
export interface PushContext extends BlobContext {
  readonly base: RepoClient;
  readonly concurrency: number;
}

/**
 * Writes `image` under `refs` (all on one registry, AN-03/EP-01). Per target repository, in order: every
 * layer (bounded concurrency, single-flight per digest), then the config blob, then the same manifest
 * bytes PUT to every tag of that repository (EP-03). Repositories after the first mount from the first.
 * Layer uploads started early (`ctx.preloads`) are joined, never repeated; the manifest is only PUT here.
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

  await ctx.preloads?.ready(); // every preload is registered under its key before the blobs are looked at
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
