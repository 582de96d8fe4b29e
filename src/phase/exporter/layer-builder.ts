import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TarEntry } from '../../archive/index.js';
import type { Cache, Fingerprint, LayerSelectorCache } from '../../cache/index.js';
import type { Layer } from '../../image/index.js';
import { FileLayer, type LayerWriter } from '../../layer/index.js';
import { digestHex, type Digest } from '../../oci/index.js';
import { limitConcurrency, once, type Limiter } from '../../stream/index.js';
import type { Logger } from '../../sys/index.js';
import type { PreviousLayers } from './previous-layers.js';
import type { LayerStats } from './types.js';

/** A layer to produce: its tar entries, and optionally a fingerprint of its inputs (issue 7). */
export interface LayerSpec {
  /** Name for logs and stats, e.g. `acme/node:deps`, `app slice 1`, `launcher`. */
  readonly key: string;
  readonly entries: () => AsyncIterable<TarEntry> | Iterable<TarEntry>;
  /** Fingerprint of everything the tar depends on; taken before the entries are read. */
  readonly fingerprint?: () => Promise<Fingerprint>;
  /** The volume cache needs this layer's tar (cache = true). */
  readonly keepTar?: boolean;
  /** False for a cache-only layer (launch = false): it needs no image Layer on a selector hit. Default true. */
  readonly inImage?: boolean;
}

/** A produced layer. `layer` goes into the app image (and the image cache): the same object for both. */
export interface BuiltLayer {
  readonly key: string;
  /** sha256 of the uncompressed tar. */
  readonly diffId: Digest;
  readonly layer?: Layer;
  /** Our own artifact, when we have one (the volume cache hard-links its tar). */
  readonly local?: FileLayer;
  readonly fingerprint?: Fingerprint;
  /** Tars the layer now if it was taken without tarring and bytes turn out to be needed (cache fallback). */
  readonly materialize: () => Promise<FileLayer>;
}

/** Options of a LayerBuilder. */
export interface LayerBuilderOptions {
  readonly writer: LayerWriter;
  readonly previous: PreviousLayers;
  readonly selectors?: LayerSelectorCache;
  /** The volume cache being written (a selector hit on a cache layer needs its committed tar). */
  readonly volumeCache?: Cache;
  /** Keep every tarred layer's tar (EP-29: the launch cache hard-links them), not only `keepTar` specs. */
  readonly keepTars?: boolean;
  readonly concurrency?: number;
  readonly logger: Logger;
  readonly stats: LayerStats;
}

/**
 * Builds layers, bounded (default 4 at once; gzip runs on the libuv threadpool, so both cores work).
 * The rule (README "Unchanged layers are not re-read"): fingerprint → selector lookup → on a hit, take the
 * previous image's layer with that diffID, or our kept artifact; else tar the directory and record the
 * fingerprint. A built layer whose diffID is in the previous image is swapped for that layer (EP-13).
 */
export class LayerBuilder {
  private readonly limit: Limiter;

  constructor(private readonly o: LayerBuilderOptions) {
    this.limit = limitConcurrency(o.concurrency ?? 4);
  }

  /** Builds (or finds) one layer. */
  build(spec: LayerSpec): Promise<BuiltLayer> {
    return this.limit(() => this.run(spec));
  }

  private async run(spec: LayerSpec): Promise<BuiltLayer> {
    const fp = this.o.selectors && spec.fingerprint ? await spec.fingerprint() : undefined;
    const tar = once(() => this.tar(spec, fp));
    if (fp && this.o.selectors) {
      const rec = await this.o.selectors.lookup(fp);
      if (rec) {
        const inImage = spec.inImage !== false;
        const local = await this.artifact(rec.diffId, rec.digest, rec.size, spec.keepTar === true);
        const cacheOk =
          !spec.keepTar || !this.o.volumeCache || local?.file.tarPath !== undefined || (await this.o.volumeCache.hasLayer(rec.diffId));
        const prev = inImage ? await this.o.previous.layer(rec.diffId) : undefined;
        const layer = prev ?? local;
        if ((layer || !inImage) && cacheOk) {
          this.o.stats.selectorHits.push(spec.key);
          if (prev) this.o.stats.fromPrevious.push(spec.key);
          return { key: spec.key, diffId: rec.diffId, ...(layer ? { layer } : {}), ...(local ? { local } : {}), fingerprint: fp, materialize: async () => local ?? tar() };
        }
      }
    }
    const file = await tar();
    const prev = spec.inImage === false ? undefined : await this.o.previous.layer(file.file.diffId); // EP-13
    if (prev) this.o.stats.fromPrevious.push(spec.key);
    return { key: spec.key, diffId: file.file.diffId, layer: prev ?? file, local: file, ...(fp ? { fingerprint: fp } : {}), materialize: async () => file };
  }

  private async tar(spec: LayerSpec, fp: Fingerprint | undefined): Promise<FileLayer> {
    const file = await this.o.writer.write(spec.entries(), { keepTar: spec.keepTar === true || this.o.keepTars === true });
    this.o.stats.built.push(spec.key);
    if (fp && this.o.selectors) {
      const recorded = await this.o.selectors.record(fp, { diffId: file.diffId, digest: file.digest, size: file.size }).catch((e: unknown) => {
        this.o.logger.debug(`layer selector for ${spec.key} not recorded: ${(e as Error).message}`);
        return false;
      });
      if (!recorded) this.o.logger.debug(`layer selector for ${spec.key} not recorded (changed too recently)`);
    }
    return new FileLayer(file);
  }

  /** Our artifact from an earlier export, if its files are still there (gzip blob, and tar when needed). */
  private async artifact(diffId: Digest, digest: Digest | undefined, size: number | undefined, needTar: boolean): Promise<FileLayer | undefined> {
    if (!digest || size === undefined) return undefined;
    const dir = this.o.writer.artifactsDir;
    const gzPath = join(dir, `${digestHex(digest)}.tar.gz`);
    const tarPath = join(dir, `${digestHex(diffId)}.tar`);
    const gz = await stat(gzPath).catch(() => undefined);
    if (!gz?.isFile() || gz.size !== size) return undefined;
    const t = await stat(tarPath).catch(() => undefined);
    if (needTar && !t?.isFile()) return undefined;
    return new FileLayer({ diffId, digest, size, tarSize: t?.size ?? 0, gzPath, ...(t?.isFile() ? { tarPath } : {}), mediaType: this.o.writer.mediaType });
  }
}
