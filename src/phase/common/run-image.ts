import { LifecycleError } from '../../errors/index.js';
import { readRunToml, readStackToml, type ApiVersion, type RunImageEntry } from '../../platform/index.js';
import { formatRef, parseRef } from '../../ref/index.js';

/**
 * Answers "can this reference be read?" for run image resolution (RI-01). For a registry it is the AN-06
 * read check ([REF]: an absent image on a readable repository counts as readable); for daemon or layout
 * every candidate is accessible ([REF]) — see `storeReadChecker` in stores.ts.
 */
export type ReadAccessChecker = (ref: string) => Promise<boolean>;

/** A checker that accepts every reference (daemon and layout, RI-01 [REF]). */
export const everyImageReadable: ReadAccessChecker = async () => true;

/** [REF] message when no candidate of run.toml/stack.toml is readable (RI-01). */
export const NO_ACCESSIBLE_RUN_IMAGE = 'failed to find accessible run image';
/** [REF] AN-07 messages when there is no run image metadata (exit 3). */
export const RUN_IMAGE_REQUIRED_NO_RUN_MD = '-run-image is required when there is no run metadata available';
export const RUN_IMAGE_REQUIRED_NO_STACK_MD = '-run-image is required when there is no stack metadata available';

function registryOf(ref: string): string | undefined {
  try {
    return parseRef(ref).registry;
  } catch {
    return undefined;
  }
}

/** The fully qualified form of `ref` (so `ubuntu` and `docker.io/library/ubuntu:latest` compare equal). */
function normalized(ref: string): string | undefined {
  try {
    return formatRef(parseRef(ref));
  } catch {
    return undefined;
  }
}

async function readable(ref: string, canRead: ReadAccessChecker): Promise<boolean> {
  if (registryOf(ref) === undefined) return false; // an invalid reference is never a usable run image
  try {
    return await canRead(ref);
  } catch {
    return false;
  }
}

/**
 * RI-01: picks one name out of `image` + `mirrors`:
 * 1. the first candidate on `targetRegistry` (the app image's registry) that is readable;
 * 2. otherwise the first readable candidate in order (`image`, `mirrors[0]`, ...).
 * Throws ERR_INVALID_ARGS "failed to find accessible run image" [REF] when none is readable.
 * `targetRegistry` is a normalized registry name (src/ref), e.g. from `parseRef(appImage).registry`.
 */
export async function selectRunImageMirror(entry: RunImageEntry, targetRegistry: string | undefined, canRead: ReadAccessChecker): Promise<string> {
  const candidates = [entry.image, ...entry.mirrors].filter((c) => c !== '');
  if (targetRegistry !== undefined) {
    for (const c of candidates) {
      if (registryOf(c) === targetRegistry && (await readable(c, canRead))) return c;
    }
  }
  for (const c of candidates) {
    if (await readable(c, canRead)) return c;
  }
  throw new LifecycleError('ERR_INVALID_ARGS', NO_ACCESSIBLE_RUN_IMAGE);
}

/** Inputs of `resolveRunImage`. */
export interface ResolveRunImageOptions {
  readonly platformApi: ApiVersion;
  /** `-run-image` / CNB_RUN_IMAGE; when set it wins and nothing is read. */
  readonly runImage?: string | undefined;
  /** The app image (`<image>`); its registry is preferred among mirrors. */
  readonly appImage: string;
  /** `<run>` (≥0.12, FMT-RUN). */
  readonly runPath?: string | undefined;
  /** `<stack>` (<0.12, FMT-STACK). */
  readonly stackPath?: string | undefined;
  /** RI-01 access check (≥0.12); `everyImageReadable` for daemon/layout. */
  readonly canRead: ReadAccessChecker;
}

/** Where a resolved run image name came from. */
export type RunImageSource = 'flag' | 'run.toml' | 'stack.toml';

/**
 * AN-07 / RI-01 / RI-03: the run image name a phase works with.
 * - `-run-image` given → used as is.
 * - ≥0.12: run.toml; [REF] only `images[0]` is considered; mirrors resolved with `selectRunImageMirror`
 *   (read access checked). Missing or empty run.toml → ERR_INVALID_ARGS "-run-image is required when there is
 *   no run metadata available".
 * - <0.12: stack.toml `[run-image]`; the mirror on the app image's registry, else `image` (read access is
 *   not checked below 0.12, as [REF]). Missing → "-run-image is required when there is no stack metadata available".
 * A malformed run.toml/stack.toml is ERR_TOML naming the file.
 */
export async function resolveRunImage(o: ResolveRunImageOptions): Promise<{ image: string; source: RunImageSource }> {
  if (o.runImage) return { image: o.runImage, source: 'flag' };
  const target = registryOf(o.appImage);
  if (o.platformApi.atLeast('0.12')) {
    const images = o.runPath ? await readRunToml(o.runPath) : [];
    const first = images[0];
    if (!first || first.image === '') throw new LifecycleError('ERR_INVALID_ARGS', RUN_IMAGE_REQUIRED_NO_RUN_MD);
    return { image: await selectRunImageMirror(first, target, o.canRead), source: 'run.toml' };
  }
  const stack = o.stackPath ? await readStackToml(o.stackPath) : undefined;
  if (!stack) throw new LifecycleError('ERR_INVALID_ARGS', RUN_IMAGE_REQUIRED_NO_STACK_MD);
  return { image: await selectRunImageMirror(stack, target, everyImageReadable), source: 'stack.toml' };
}

/**
 * RI-02 / RI-03: the `runImage.image`/`mirrors` the exporter writes to the lifecycle label (and the rebaser's
 * list of acceptable run images).
 * - <0.12: the stack.toml `[run-image]` (undefined when absent).
 * - ≥0.12: the first run.toml entry whose `image` or a mirror equals `runImageName` (analyzed.toml
 *   `run-image.image`); else, when extensions may have switched the run image, `{image: runImageName}` with no
 *   mirrors [REF]; else the first entry; undefined when run.toml has none.
 */
export async function runImageForExport(o: {
  readonly platformApi: ApiVersion;
  readonly runPath?: string | undefined;
  readonly stackPath?: string | undefined;
  readonly runImageName?: string | undefined;
  readonly extensionsUsed?: boolean;
}): Promise<RunImageEntry | undefined> {
  if (o.platformApi.lessThan('0.12')) return o.stackPath ? readStackToml(o.stackPath) : undefined;
  const entries = o.runPath ? await readRunToml(o.runPath) : [];
  if (entries.length === 0) return undefined;
  const name = o.runImageName ?? '';
  if (name !== '') {
    const key = normalized(name);
    const hit = entries.find((e) => [e.image, ...e.mirrors].some((c) => c === name || (key !== undefined && normalized(c) === key)));
    if (hit) return hit;
    if (o.extensionsUsed) return { image: name, mirrors: [] };
  }
  return entries[0];
}
