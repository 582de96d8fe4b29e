import { formatRef, parseRef } from '../../ref/index.js';
import type { Analyzed, ApiVersion, RunImageEntry } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import type { DockerfileInfo } from './dockerfiles.js';

/** The outcome of GE-10 over all generated Dockerfiles (in group order, run before build per extension). */
export interface RunImageSelection {
  /** The image named by the last switching run.Dockerfile, if any. */
  readonly newBase?: string;
  /** True when a run.Dockerfile that is applied (not ignored) extends the run image. */
  readonly extend: boolean;
  /** The run.Dockerfiles made irrelevant by a later switch (written with suffix `.ignore`). */
  readonly ignored: readonly DockerfileInfo[];
}

/**
 * GE-10: walks the run.Dockerfiles from last to first. Until the last switching one (a FROM other than
 * `${base_image}`) is found, every Dockerfile that extends sets `extend`; the switching one selects the new
 * base (and extends itself when it has further instructions, [REF]); every earlier run.Dockerfile is ignored.
 * When all of them use `${base_image}`, the run image is unchanged and `extend` is true.
 */
export function selectRunImage(dockerfiles: readonly DockerfileInfo[]): RunImageSelection {
  let newBase: string | undefined;
  let extend = false;
  const ignored: DockerfileInfo[] = [];
  for (let i = dockerfiles.length - 1; i >= 0; i--) {
    const d = dockerfiles[i] as DockerfileInfo;
    if (d.kind !== 'run') continue;
    if (newBase !== undefined) {
      ignored.unshift(d);
      continue;
    }
    if (d.extend) extend = true;
    if (d.newBase !== undefined) newBase = d.newBase;
  }
  return { ...(newBase !== undefined ? { newBase } : {}), extend, ignored };
}

function normalized(ref: string): string {
  try {
    return formatRef(parseRef(ref));
  } catch {
    return ref;
  }
}

/** GE-11: true when `image` is one of run.toml's images or mirrors (compared as normalized references). */
export function inRunMetadata(image: string, runToml: readonly RunImageEntry[]): boolean {
  const want = normalized(image);
  return runToml.some((e) => [e.image, ...e.mirrors].some((c) => c !== '' && (c === image || normalized(c) === want)));
}

/**
 * DT-26 / GE-10..GE-12: the `<analyzed>` the detector writes after generation.
 * - A new base that differs from the recorded run image ([REF]: compared with `run-image.image` as written, from
 *   0.12; before 0.12 any new base) replaces `[run-image]`: `reference` and (≥0.12) `image` are the new name,
 *   the target is dropped, `extend` as selected; GE-11 warns when it is not in `<run>` (≥0.12).
 * - Otherwise `extend` (≥0.12) is set (or cleared) on the existing `[run-image]`.
 * - ≥0.13: `[build-image] extend` is true when any build.Dockerfile exists (GE-12).
 */
export function updateAnalyzed(
  analyzed: Analyzed,
  sel: RunImageSelection,
  hasBuildDockerfile: boolean,
  o: { readonly platformApi: ApiVersion; readonly runToml: readonly RunImageEntry[]; readonly logger: Logger },
): Analyzed {
  const api = o.platformApi;
  const extend = api.atLeast('0.12') && sel.extend;
  let runImage = analyzed.runImage;
  const current = api.atLeast('0.12') ? runImage?.image ?? runImage?.reference ?? '' : '';
  if (sel.newBase !== undefined && sel.newBase !== current) {
    if (api.atLeast('0.12') && !inRunMetadata(sel.newBase, o.runToml)) o.logger.warn(`new runtime base image '${sel.newBase}' not found in run metadata`);
    o.logger.debug(`Updating analyzed metadata with new run image '${sel.newBase}'`);
    runImage = { reference: sel.newBase, ...(api.atLeast('0.12') ? { image: sel.newBase } : {}), ...(extend ? { extend: true } : {}) };
  } else if (runImage && api.atLeast('0.12')) {
    if (extend) o.logger.debug('Updating analyzed metadata to indicate run image extension');
    const { extend: _old, ...rest } = runImage;
    runImage = { ...rest, ...(extend ? { extend: true } : {}) };
  }
  let buildImage = analyzed.buildImage;
  if (api.atLeast('0.13')) {
    const { extend: _old, ...rest } = buildImage ?? { reference: '' };
    buildImage = { ...rest, ...(hasBuildDockerfile ? { extend: true } : {}) };
  }
  return {
    ...(analyzed.previousImage ? { previousImage: analyzed.previousImage } : {}),
    ...(buildImage ? { buildImage } : {}),
    metadata: analyzed.metadata,
    ...(runImage ? { runImage } : {}),
  };
}
