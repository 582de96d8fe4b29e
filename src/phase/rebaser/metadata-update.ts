import { LifecycleError } from '../../errors/index.js';
import { BASE_LABEL_PREFIX, STACK_LABEL_PREFIX, type ApiVersion, type LifecycleMetadata } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { entryContains } from './run-image-name.js';

/** What the rebase learned about the new run image, for the lifecycle label (RB-06). */
export interface NewRunImage {
  /** The run image reference as given or resolved (`-run-image`, or a label mirror). */
  readonly name: string;
  /** diffID (uncompressed sha256) of the new run image's top layer. */
  readonly topLayer: string;
  /** Digest reference (registry, layout) or image ID (daemon) of the new run image. */
  readonly reference: string;
}

function existingDescription(md: LifecycleMetadata): string {
  if (md.runImage.image) return JSON.stringify({ image: md.runImage.image, ...(md.runImage.mirrors?.length ? { mirrors: md.runImage.mirrors } : {}) });
  if (md.stack) return JSON.stringify(md.stack.runImage);
  return 'not found';
}

/**
 * RB-06, RB-08, RB-09 (ERRATA-21): the updated `io.buildpacks.lifecycle.metadata`. `runImage.topLayer` and
 * `runImage.reference` describe the new run image. For Platform ≥0.12 the new run image must be named in
 * `runImage` or `stack.runImage` (image or mirrors); otherwise it is an ERR_REBASE unless `force`, which sets
 * `runImage.image` to it, drops the mirrors, and rewrites `stack` to match (with a warning), as REF does.
 */
export function updateMetadata(md: LifecycleMetadata, run: NewRunImage, opts: { platformApi: ApiVersion; force: boolean; logger: Logger }): LifecycleMetadata {
  let runImage = { ...md.runImage, topLayer: run.topLayer, reference: run.reference };
  let stack = md.stack;
  if (opts.platformApi.atLeast('0.12') && !entryContains(md.runImage, run.name) && !entryContains(md.stack?.runImage, run.name)) {
    const msg = `new base image '${run.name}' not found in existing run image metadata: ${existingDescription(md)}`;
    if (!opts.force) throw new LifecycleError('ERR_REBASE', `rebase app image: ${msg}; please provide -force to override`);
    opts.logger.warn(`rebase app image: ${msg}`);
    runImage = { topLayer: run.topLayer, reference: run.reference, image: run.name };
    stack = { runImage: { image: run.name } };
  }
  return { ...md, runImage, ...(stack ? { stack } : {}) };
}

/**
 * RB-07: the app labels with every `io.buildpacks.stack.*` (and, for Platform ≥0.12, `io.buildpacks.base.*`)
 * label removed and replaced by the new run image's labels with those prefixes.
 */
export function syncBaseLabels(appLabels: Readonly<Record<string, string>>, newBaseLabels: Readonly<Record<string, string>>, platformApi: ApiVersion): Record<string, string> {
  const synced = (k: string) => k.startsWith(STACK_LABEL_PREFIX) || (platformApi.atLeast('0.12') && k.startsWith(BASE_LABEL_PREFIX));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(appLabels)) if (!synced(k)) out[k] = v;
  for (const [k, v] of Object.entries(newBaseLabels)) if (synced(k)) out[k] = v;
  return out;
}
