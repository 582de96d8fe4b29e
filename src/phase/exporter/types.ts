import type { Cache, LayerSelectorCache } from '../../cache/index.js';
import type { Image, ImageSource, ImageStore } from '../../image/index.js';
import type { ApiVersion } from '../../platform/index.js';
import type { Clock, Logger } from '../../sys/index.js';

/** Describes the launcher binary in `io.buildpacks.build.metadata` (LBL-08). */
export interface LauncherInfo {
  readonly version: string;
  readonly source: { readonly git: { readonly repository: string; readonly commit: string } };
}

/** The resolved exporter inputs (checklist §3.7 table), all paths absolute. */
export interface ExportInputs {
  readonly platformApi: ApiVersion;
  /** The `<image>` arguments (EP-01: tags, validated by the command). The first one is the "primary" image. */
  readonly images: readonly string[];
  readonly layersDir: string;
  readonly appDir: string;
  readonly analyzedPath: string;
  readonly groupPath: string;
  readonly projectMetadataPath: string;
  readonly reportPath: string;
  /** `-launcher`: the launcher binary copied to /cnb/lifecycle/launcher (EP-09). */
  readonly launcherPath: string;
  /** ≥0.11 `-launcher-sbom` (ERRATA-26); undefined below 0.11. */
  readonly launcherSbomDir?: string;
  /** True when `-launcher-sbom` is the default `/cnb/lifecycle` (ERRATA-26 file-name rule). */
  readonly launcherSbomIsDefault?: boolean;
  /** ≥0.12 `<extended>`; the run image is `<extended>/run` when present and `run-image.extend` (EP-04). */
  readonly extendedDir?: string;
  /** `-process-type` (EP-14). */
  readonly processType?: string;
  /** `<run>` (≥0.12) for `runImage.image`/`mirrors` (LBL-05, RI-02). */
  readonly runPath?: string;
  /** `<stack>` (<0.12) for the same. */
  readonly stackPath?: string;
  /** LY-28: uid/gid of the build user; owner of layer contents (LY-29). */
  readonly uid: number;
  readonly gid: number;
  /** `-parallel` (EP-26, ≥0.13). */
  readonly parallel: boolean;
  /** ≥0.15 `CNB_EXEC_ENV` when set (EP-22, ERRATA-08). */
  readonly execEnv?: string;
  /** EP-20: SOURCE_DATE_EPOCH (≥0.9) or the constant; chosen by the command. */
  readonly created: Date;
  readonly launcher: LauncherInfo;
}

/** What the exporter is given from outside (DESIGN §5.8: no env, no exit, no clients built here). */
export interface ExporterPorts {
  /** Where the app image goes and where the run and previous images are read from. */
  readonly store: ImageStore;
  /** `-cache-dir` (VolumeCache) or `-cache-image` (ImageCache); undefined without a cache. */
  readonly cache?: Cache;
  /** Fingerprint → layer records kept in the cache dir (issue 7); undefined without `-cache-dir`. */
  readonly selectors?: LayerSelectorCache;
  /**
   * Where LayerWriter artifacts (`<digest>.tar.gz`, `<diffID>.tar`) go. Kept across builds when it lives in
   * the cache dir (then a selector hit can use the artifact without tarring); otherwise a temp dir.
   */
  readonly artifactsDir: string;
  /** Whether `artifactsDir` persists across builds (pruned to this export's layers at the end). */
  readonly artifactsPersist?: boolean;
  /** Overrides how the run image is opened (e.g. a layout path reference); default `store.image(ref)`. */
  readonly openRunImage?: (reference: string) => Promise<Image | undefined>;
  /** Overrides how the previous image is opened; default `store.image(ref)`. */
  readonly openPreviousImage?: (reference: string) => Promise<Image | undefined>;
  /**
   * EP-29 (`-launch-cache`, with `-daemon`): a VolumeCache in the launch cache directory. Every layer the app
   * image gets from this export is written to it (our tar hard-linked; a reused layer carried over from it, or
   * read once from the previous image when it is not there, [REF] CachingImage), committed after the image was
   * written; the daemon store reads it instead of saving images from the daemon. Failures only warn.
   */
  readonly launchCache?: Cache;
  /**
   * EP-30 (Platform <0.13, [REF]): where `-cache-image` lives, to delete the previous cache image once a new
   * one with another digest was written. Failures only warn.
   */
  readonly cacheImageRemover?: { readonly store: Pick<ImageSource, 'image'> & ImageRemover; readonly ref: string };
  /** Layers built at once (default 4). */
  readonly concurrency?: number;
  readonly clock?: Clock;
  readonly logger: Logger;
}

/**
 * Removes an image by reference (EP-30): a registry deletes the manifest by digest, a layout drops the index
 * entries, a daemon removes the image. A missing image is not an error.
 */
export interface ImageRemover {
  delete(ref: string, signal?: AbortSignal): Promise<void>;
}

/** How each exported layer was obtained; tests and logs use it (issue 7). */
export interface LayerStats {
  /** Layers tarred from their directory or file this time. */
  readonly built: string[];
  /** Layers taken without tarring thanks to a layer-selector hit. */
  readonly selectorHits: string[];
  /** Layers referenced from the previous image by diffID (EP-05 reuse or EP-13 swap). */
  readonly fromPrevious: string[];
}

/** The result of an export: what report.toml says, plus layer statistics. */
export interface ExportResult {
  readonly tags: readonly string[];
  readonly digest?: string;
  readonly imageId?: string;
  readonly manifestSize?: number;
  readonly stats: LayerStats;
  /** False when writing the cache failed (a warning, EP-25). */
  readonly cacheWritten: boolean;
}
