import { LifecycleError, wrapError } from '../../errors/index.js';
import type { ImageStore } from '../../image/index.js';
import { readRunToml, type Analyzed, type ApiVersion, type Group } from '../../platform/index.js';
import { formatRef, parseRef } from '../../ref/index.js';
import type { Logger } from '../../sys/index.js';
import { imageIdentifier, NO_ACCESSIBLE_RUN_IMAGE, targetFromImageConfig, type ReadAccessChecker } from '../common/index.js';

/** Inputs of `updateAnalyzed` (RS-12..RS-15). */
export interface UpdateAnalyzedOptions {
  readonly platformApi: ApiVersion;
  readonly analyzed: Analyzed;
  readonly group: Group;
  /** `-build-image` (≥0.10). */
  readonly buildImage?: string | undefined;
  /** `-run` (≥0.14). */
  readonly runPath?: string | undefined;
  /** Where run images are looked up: registry, daemon (`-daemon`) or layout. */
  readonly images: ImageStore;
  /** A registry store: the build image is always read from a registry ([REF] pulls it remotely). */
  readonly registry: ImageStore;
  /** RI-01 read check for run image names (every name counts as readable for daemon/layout). */
  readonly canRead: ReadAccessChecker;
  readonly logger: Logger;
}

const same = (a: string, b: string): boolean => {
  if (a === b) return true;
  try {
    return formatRef(parseRef(a)) === formatRef(parseRef(b));
  } catch {
    return false;
  }
};

/**
 * The analyzed.toml changes the restorer makes before restoring layers; returns the new analyzed data, or
 * undefined when nothing changed. [REF] order:
 * - RS-12 (≥0.10): with `-build-image`, `[build-image] reference` becomes the build image's digest reference.
 * - RS-14 (≥0.14): when `run-image.image` is listed in `<run>` it must be readable ([REF] no other mirror is
 *   tried, lifecycle#1590); a name not in run.toml (switched by an extension) is used as is.
 * - RS-15 (≥0.12): with `run-image.extend = true`, the run image's digest reference and target data are
 *   recorded. RS-13 / ERRATA-25: otherwise the run image is looked up only when the group has extensions and
 *   the reference or `target.os` is missing; then reference and target are filled in.
 * Not done here (see README): copying the build image manifest/config and the run image to `/kaniko/cache`.
 * A missing or unreadable image fails (ERR_RESTORE, exit 42).
 */
export async function updateAnalyzed(o: UpdateAnalyzedOptions): Promise<Analyzed | undefined> {
  const api = o.platformApi;
  let a: Analyzed = o.analyzed;
  let changed = false;

  if (api.atLeast('0.10') && o.buildImage) {
    o.logger.debug(`Pulling builder image metadata for ${o.buildImage}...`);
    const img = await lookup(o.registry, o.buildImage, 'builder image');
    const reference = await imageIdentifier(o.registry, o.buildImage, img);
    a = { ...a, buildImage: { reference, ...(a.buildImage?.extend ? { extend: true } : {}) } };
    changed = true;
  }

  const ri = a.runImage;
  if (!ri) return changed ? a : undefined;
  let name = ri.image ?? '';

  if (api.atLeast('0.14') && name !== '' && o.runPath) {
    const entries = await readRunToml(o.runPath);
    const listed = entries.some((e) => [e.image, ...e.mirrors].some((c) => c !== '' && same(c, name)));
    if (listed && !(await o.canRead(name).catch(() => false))) {
      throw new LifecycleError('ERR_RESTORE', `${NO_ACCESSIBLE_RUN_IMAGE}: ${name} (listed in ${o.runPath}) is not readable`);
    }
  }
  if (name === '') name = ri.reference;

  const extend = api.atLeast('0.12') && ri.extend === true;
  const needsUpdate = api.atLeast('0.10') && o.group.groupExtensions.length > 0 && !(ri.reference !== '' && (ri.target?.os ?? '') !== '');
  if ((extend || needsUpdate) && name !== '') {
    o.logger.debug(`Updating run image info in analyzed metadata for ${name}...`);
    const img = await lookup(o.images, name, 'run image');
    const reference = await imageIdentifier(o.images, name, img);
    const target = api.atLeast('0.12') ? targetFromImageConfig(await img.config()) : ri.target;
    a = { ...a, runImage: { ...ri, reference, ...(target ? { target } : {}) } };
    changed = true;
  }
  return changed ? a : undefined;
}

async function lookup(store: ImageStore, ref: string, what: string) {
  let img;
  try {
    img = await store.image(ref);
  } catch (e) {
    throw wrapError(e, 'ERR_RESTORE', `get ${what} ${ref}`);
  }
  if (!img) throw new LifecycleError('ERR_RESTORE', `get ${what} ${ref}: image not found`);
  return img;
}
