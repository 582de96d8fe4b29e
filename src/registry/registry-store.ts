import { LifecycleError } from '../errors/index.js';
import { defaultRetryPolicy, registryTransport, type RegistryTransportOptions, type RetryPolicy, type Transport } from '../http/index.js';
import { DEFAULT_PLATFORM, selectManifest, type Image, type ImageStore, type Layer, type PlatformWant, type WriteResult } from '../image/index.js';
import { isIndexType, parseIndex } from '../oci/index.js';
import { formatRef, parseRef, refIdentifier, type ImageRef } from '../ref/index.js';
import { checkReadAccess, checkWriteAccess } from './access.js';
import { forRepository, type RepoClient } from './client.js';
import { blobKey, pushBlob } from './ensure-blob.js';
import type { RegistryEvents } from './events.js';
import { deleteManifest, getManifest, headManifest, type FetchedManifest } from './manifests.js';
import { BlobPreloads } from './preload.js';
import { pushImage } from './push.js';
import { mountSourceOf } from './remote-layer.js';
import { RemoteImage } from './remote-image.js';

/** Options of a RegistryStore over an existing transport stack. */
export interface RegistryStoreOptions {
  /** The HTTP stack (normally `registryTransport(...)`). */
  readonly transport: Transport;
  /** The retry policy of that stack; upload sessions are retried under the same policy. */
  readonly retryPolicy?: RetryPolicy;
  /** Blob uploads in flight per write (default 4, DESIGN §5.3). */
  readonly concurrency?: number;
  /** Upload in Content-Range chunks of this many bytes instead of one streaming PATCH. */
  readonly chunkSize?: number;
  /** Observes registry operations (HEAD, mount, upload, manifest PUT...); for counters and logs. */
  readonly events?: RegistryEvents;
}

function toRef(ref: string | ImageRef): ImageRef {
  return typeof ref === 'string' ? parseRef(ref) : ref;
}

/**
 * The registry ImageStore (kind 'registry'). `image` reads lazily (manifest now, config on first use,
 * layers never until opened); `write` pushes with HEAD → mount → upload per blob, then config, then the
 * manifest to every tag. No I/O in the constructor.
 */
export class RegistryStore implements ImageStore {
  readonly kind = 'registry' as const;
  private readonly policy: RetryPolicy;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly preloads: BlobPreloads;

  constructor(private readonly opts: RegistryStoreOptions) {
    this.policy = opts.retryPolicy ?? defaultRetryPolicy();
    this.preloads = new BlobPreloads(opts.concurrency ?? 4);
  }

  /** A client for one repository (pull scope unless `scopes` says otherwise); for endpoint functions. */
  client(ref: ImageRef, scopes?: readonly string[]): RepoClient {
    return {
      transport: this.opts.transport,
      registry: ref.registry,
      repository: ref.repository,
      scopes: scopes ?? [`repository:${ref.repository}:pull`],
      events: this.opts.events,
    };
  }

  /**
   * The image at `ref`, or undefined when the registry has no such manifest (404). An index is resolved to
   * the manifest for `platform` (default linux/amd64); ERR_IMAGE when it has none.
   */
  async image(ref: string | ImageRef, options: { platform?: PlatformWant; signal?: AbortSignal } = {}): Promise<RemoteImage | undefined> {
    const r = toRef(ref);
    const c = this.client(r);
    let current: FetchedManifest | undefined = await getManifest(c, refIdentifier(r), options.signal);
    if (!current) return undefined;
    const want = options.platform ?? DEFAULT_PLATFORM;
    for (let depth = 0; isIndexType(current.mediaType); depth++) {
      const where = formatRef(r);
      const desc = depth < 4 ? selectManifest(parseIndex(current.raw), want) : undefined;
      if (!desc) {
        const p = `${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''}`;
        throw new LifecycleError('ERR_IMAGE', `image index ${where} has no manifest for platform ${p}`);
      }
      const child: FetchedManifest | undefined = await getManifest(c, desc.digest, options.signal);
      if (!child) throw new LifecycleError('ERR_IMAGE', `image index ${where} lists ${desc.digest}, which the registry does not have`);
      current = child;
    }
    return new RemoteImage(c, current);
  }

  /** True when the registry has a manifest at `ref` (HEAD). */
  async exists(ref: string | ImageRef, signal?: AbortSignal): Promise<boolean> {
    const r = toRef(ref);
    return (await headManifest(this.client(r), refIdentifier(r), signal)) !== undefined;
  }

  /**
   * Pushes `image` to every reference in `refs` (same registry; EP-03 same manifest bytes everywhere).
   * Returns the manifest digest (sha256 of the raw manifest), the image ID (config digest) and the
   * manifest size, for report.toml (EP-23).
   */
  async write(image: Image, refs: readonly (string | ImageRef)[], signal?: AbortSignal): Promise<WriteResult> {
    const parsed = refs.map(toRef);
    const first = parsed[0];
    if (!first) throw new LifecycleError('ERR_REGISTRY', 'no image reference to write to');
    return pushImage(image, parsed, {
      base: this.client(first),
      policy: this.policy,
      concurrency: this.opts.concurrency ?? 4,
      chunkSize: this.opts.chunkSize,
      inflight: this.inflight,
      preloads: this.preloads,
      signal,
    });
  }

  /**
   * Starts uploading `layer`'s blob (its compressed bytes, keyed by blob digest) to the repository of the
   * first of `refs` now, for a `write` of an image with this layer to those refs later (issue "Performance":
   * uploads overlap with compressing the other layers). The same HEAD → upload as `write`, under the same
   * retry policy and a pull,push token for that repository; bounded like `write` (`concurrency`). The write
   * joins it: no blob goes up twice, no extra HEAD; a failure surfaces from `write` with its typed error.
   * Never throws. Layers of a registry image (they have a mount source) are left to `write`, which mounts
   * them; further repositories of `refs` mount from the first during `write`. `signal` aborts the upload
   * (an aborted preload is forgotten and the write starts over).
   */
  prepareLayer(layer: Layer, refs: readonly (string | ImageRef)[], signal?: AbortSignal): void {
    this.preloads.start(async () => {
      const first = refs[0];
      if (first === undefined || mountSourceOf(layer) !== undefined) return undefined;
      const r = toRef(first);
      const c = forRepository(this.client(r), r.repository, [`repository:${r.repository}:pull,push`]);
      const [digest, size] = await Promise.all([layer.digest(), layer.size()]);
      const key = blobKey(c, digest);
      if (this.inflight.has(key)) return undefined; // a write is already putting it there
      const job = { source: { digest, size, open: (s?: AbortSignal) => layer.compressed(s) }, mountFrom: [] };
      const ctx = { policy: this.policy, chunkSize: this.opts.chunkSize, ...(signal ? { signal } : {}) };
      // Never joins `inflight` when it runs: a write that took this preload waits there for this very promise.
      return { key, run: () => pushBlob(c, job, ctx) };
    }, signal);
  }

  /**
   * EP-30: deletes the manifest `ref` names: a digest reference directly, a tag through the digest it points
   * to (HEAD). Registries delete by digest, so every tag of that manifest goes too. A missing manifest is not
   * an error; a registry without deletes (405 UNSUPPORTED) and any other failure throw a RegistryError.
   */
  async delete(ref: string | ImageRef, signal?: AbortSignal): Promise<void> {
    const r = toRef(ref);
    const c = this.client(r, [`repository:${r.repository}:pull,push,delete`]);
    const digest = r.digest ?? (await headManifest(c, refIdentifier(r), signal))?.digest;
    if (digest) await deleteManifest(c, digest, signal);
  }

  /** AN-06: throws an error naming image and registry unless `ref` is readable (absent counts as readable). */
  checkReadAccess(ref: string | ImageRef, signal?: AbortSignal): Promise<void> {
    const r = toRef(ref);
    return checkReadAccess(this.client(r), r, signal);
  }

  /** AN-06: throws an error naming image and registry unless `ref` is writable. */
  checkWriteAccess(ref: string | ImageRef, signal?: AbortSignal): Promise<void> {
    const r = toRef(ref);
    return checkWriteAccess(this.client(r), r, signal);
  }
}

/** Options of `createRegistryStore`: the HTTP stack's and the store's in one object. */
export type CreateRegistryStoreOptions = RegistryTransportOptions & Omit<RegistryStoreOptions, 'transport'>;

/** Builds the HTTP stack and a RegistryStore sharing one retry policy. `close()` ends the connection pools. */
export function createRegistryStore(opts: CreateRegistryStoreOptions): RegistryStore & { close(): Promise<void> } {
  const retryPolicy = opts.retryPolicy ?? defaultRetryPolicy();
  const transport = registryTransport({ ...opts, retryPolicy });
  const store = new RegistryStore({ ...opts, transport, retryPolicy });
  return Object.assign(store, { close: () => transport.close() });
}
