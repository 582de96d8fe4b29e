import { Fields } from './fields.js';
import { emptyLifecycleMetadata, lifecycleMetadataFromToml, lifecycleMetadataToToml, type LifecycleMetadata } from './lifecycle-metadata.js';
import { readTarget, targetToToml, type TargetMetadata } from './target.js';
import { readTomlIfExists, writeToml } from './toml-file.js';

/** The run image as recorded in analyzed.toml (AN-11, AN-12). */
export interface AnalyzedRunImage {
  /** Digest reference (registry), image ID (daemon) or layout path. */
  readonly reference: string;
  /** ≥0.12: the platform-provided or resolved run image name. */
  readonly image?: string;
  /** ≥0.12: true when extensions extend the run image. */
  readonly extend?: boolean;
  readonly target?: TargetMetadata;
}

/** analyzed.toml (FMT-AN): previous image, its lifecycle metadata, run image and build image. */
export interface Analyzed {
  /** The previous image; `reference` is "" when it does not exist (AN-09). Undefined when not recorded. */
  readonly previousImage?: { readonly reference: string };
  readonly buildImage?: { readonly reference: string; readonly extend?: boolean };
  /** The previous image's io.buildpacks.lifecycle.metadata in TOML form (AN-10); empty when absent. */
  readonly metadata: LifecycleMetadata;
  readonly runImage?: AnalyzedRunImage;
}

/**
 * Reads analyzed.toml. [REF] A missing file reads as empty (with `exists: false` so callers can warn).
 * Accepts `[image]` (REF) and `[previous-image]` (spec prose, ERRATA-03).
 */
export async function readAnalyzed(file: string): Promise<Analyzed & { readonly exists: boolean }> {
  const raw = await readTomlIfExists(file);
  if (!raw) return { metadata: emptyLifecycleMetadata(), exists: false };
  const f = new Fields(file, raw);
  const prev = f.optTable('image') ?? f.optTable('previous-image');
  const build = f.optTable('build-image');
  const run = f.optTable('run-image');
  const target = run?.optTable('target');
  return {
    exists: true,
    ...(prev ? { previousImage: { reference: prev.optString('reference') ?? '' } } : {}),
    ...(build ? { buildImage: { reference: build.optString('reference') ?? '', ...(build.optBool('extend') ? { extend: true } : {}) } } : {}),
    metadata: lifecycleMetadataFromToml(f.optTable('metadata')),
    ...(run
      ? {
          runImage: {
            reference: run.optString('reference') ?? '',
            ...(run.optString('image') ? { image: run.optString('image') } : {}),
            ...(run.optBool('extend') ? { extend: true } : {}),
            ...(target ? { target: readTarget(target) } : {}),
          },
        }
      : {}),
  };
}

/** Writes analyzed.toml with REF's keys (`[image]`, `[metadata]`, `[run-image]`, `[build-image]`). */
export async function writeAnalyzed(file: string, a: Analyzed): Promise<void> {
  await writeToml(file, {
    ...(a.previousImage ? { image: { reference: a.previousImage.reference } } : {}),
    ...(a.buildImage ? { 'build-image': { reference: a.buildImage.reference, ...(a.buildImage.extend ? { extend: true } : {}) } } : {}),
    metadata: lifecycleMetadataToToml(a.metadata),
    ...(a.runImage
      ? {
          'run-image': {
            reference: a.runImage.reference,
            ...(a.runImage.image ? { image: a.runImage.image } : {}),
            ...(a.runImage.extend ? { extend: true } : {}),
            ...(a.runImage.target ? { target: targetToToml(a.runImage.target) } : {}),
          },
        }
      : {}),
  });
}
