import type { Readable } from 'node:stream';
import type { Layer } from '../image/index.js';
import { LifecycleError } from '../errors/index.js';
import type { Digest } from '../oci/index.js';
import { daemonLayerChain } from './daemon-layer.js';
import type { ArchiveLayer } from './docker-archive-writer.js';
import type { LaunchCache } from './launch-cache.js';
import { openVerified, spoolToDir, verifying } from './spool.js';

/**
 * An optional capability of a Layer: the byte size of its uncompressed tar, known without reading it (a layer
 * written to disk by src/layer knows it). With it, the layer streams straight into the archive; without it, the
 * tar is first spooled to a temp file, because a tar entry header needs the size before the bytes.
 */
export interface UncompressedSizeHint {
  uncompressedSize(): Promise<number>;
}

function sizeHint(layer: Layer): UncompressedSizeHint | undefined {
  const f = (layer as Partial<UncompressedSizeHint>).uncompressedSize;
  return typeof f === 'function' ? (layer as unknown as UncompressedSizeHint) : undefined;
}

/** Options of `archiveLayers`. */
export interface ArchiveLayerOptions {
  readonly endpoint: string;
  readonly image: string;
  readonly launchCache?: LaunchCache | undefined;
  /** Where layers without a size hint are spooled. */
  readonly spoolDir: string;
  /** This many bottom layers are blank placeholders (the daemon holds their chain). */
  readonly omit: number;
  readonly concurrency: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * How many bottom layers the daemon at `endpoint` already holds as a chain: the largest n such that layer n-1
 * came from that daemon under exactly the chain `diffIds[0..n-1]` (so all n are present, in this order).
 */
export function omittablePrefix(layers: readonly Layer[], diffIds: readonly Digest[], endpoint: string): number {
  let n = 0;
  layers.forEach((layer, i) => {
    const chain = daemonLayerChain(layer, endpoint);
    if (chain && chain.length === i + 1 && chain.every((d, j) => d === diffIds[j])) n = i + 1;
  });
  return n;
}

/**
 * The archive entries for `layers` (one per diffID, bottom first). Sources, cheapest first: a blank for the
 * omitted prefix; the launch cache (EP-29); a layer that knows its size (streamed, diffID verified on the way);
 * otherwise the layer's tar spooled to `spoolDir` and verified against its diffID. Bounded concurrency.
 */
export async function archiveLayers(layers: readonly Layer[], diffIds: readonly Digest[], o: ArchiveLayerOptions): Promise<ArchiveLayer[]> {
  if (layers.length !== diffIds.length) {
    throw new LifecycleError('ERR_IMAGE', `image '${o.image}' has ${layers.length} layers but ${diffIds.length} diffIDs in its config`);
  }
  const byDiffId = new Map<Digest, Promise<ArchiveLayer>>();
  const prepare = async (layer: Layer, diffId: Digest): Promise<ArchiveLayer> => {
    const what = `layer ${diffId} of image '${o.image}'`;
    const own = await layer.diffId();
    if (own !== diffId) throw new LifecycleError('ERR_IMAGE', `${what}: the layer reports diffID ${own}`);
    const cached = await o.launchCache?.find(diffId);
    if (cached) return { diffId, size: cached.size, open: async () => (await openVerified(cached.path, diffId, `${what} (launch cache)`)).stream };
    const hint = sizeHint(layer);
    if (hint) {
      const size = await hint.uncompressedSize();
      return { diffId, size, open: async () => pipeVerified(await layer.uncompressed(o.signal), diffId, what, size) };
    }
    const file = await spoolToDir(await layer.uncompressed(o.signal), o.spoolDir, { expected: diffId, what, ...(o.signal ? { signal: o.signal } : {}) });
    return { diffId, size: file.size, open: async () => (await openVerified(file.path, diffId, what)).stream };
  };
  const tasks = layers.map((layer, i) => async (): Promise<ArchiveLayer> => {
    const diffId = diffIds[i]!;
    if (i < o.omit) return { diffId, blank: true };
    let p = byDiffId.get(diffId);
    if (!p) byDiffId.set(diffId, (p = prepare(layer, diffId)));
    return p;
  });
  return mapLimit(tasks, o.concurrency);
}

function pipeVerified(source: Readable, diffId: Digest, what: string, size: number): Readable {
  const check = verifying(diffId, what, size);
  source.on('error', (e) => check.destroy(e));
  return source.pipe(check);
}

async function mapLimit<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return out;
}
