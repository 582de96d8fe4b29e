import { stat } from 'node:fs/promises';
import { LifecycleError, wrapError } from '../../errors/index.js';
import type { Image, ImageStore } from '../../image/index.js';
import { readRunToml, type Analyzed, type ApiVersion, type Group } from '../../platform/index.js';
import { formatRef, parseRef, registryApiHost } from '../../ref/index.js';
import type { Logger } from '../../sys/index.js';
import { imageIdentifier, NO_ACCESSIBLE_RUN_IMAGE, targetFromImageConfig, type ReadAccessChecker } from '../common/index.js';
import { saveSparseImage } from './kaniko-cache.js';

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
  /**
   * `<kaniko-dir>` (`/kaniko`, CNB_KANIKO_DIR in tests): RS-12/RS-15 save the build image and the run image to
   * extend as sparse OCI layouts under `<kaniko-dir>/cache/base`. Undefined (the creator): nothing is saved.
   */
  readonly kanikoDir?: string | undefined;
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
 * - RS-12 (≥0.10): with `-build-image` (always read from a registry, [REF]), `[build-image] reference`
 *   becomes its digest reference (`extend` kept) and its manifest and config are saved to `<kaniko-dir>`.
 * - RS-14 (≥0.14): when `run-image.image` is listed in `<run>` it must be readable ([REF] no other mirror is
 *   tried, lifecycle#1590); a name not in run.toml (switched by an extension) is used as is.
 * - RS-15 (≥0.12): with `run-image.extend = true`, the run image is read from a registry ([REF], also with
 *   `-daemon`, whose image IDs the extender cannot use) or, with `-layout`, from the layout; its digest
 *   reference and target data are recorded and its manifest and config saved to `<kaniko-dir>`.
 * - RS-13 / ERRATA-25: otherwise the run image is looked up (in the phase's store) only when the group has
 *   extensions and the reference or `target.os` is missing (e.g. an extension switched the run image: the
 *   detector wrote `reference = image = "<name>"` without target); then reference and target are filled in.
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
    await saveForExtender(o, img);
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
    // RS-15: the image the extender builds on must be a registry (or layout) image with a manifest digest
    const store = extend && o.images.kind === 'daemon' ? o.registry : o.images;
    const source = extend ? pinnedSource(store, ri.reference, name) : name;
    o.logger.debug(`${extend ? 'Pulling run image metadata' : 'Updating run image info in analyzed metadata'} for ${source}...`);
    const img = await lookup(store, source, 'run image');
    const reference = await imageIdentifier(store, name, img);
    const target = api.atLeast('0.12') ? targetFromImageConfig(await img.config()) : ri.target;
    if (extend) await saveForExtender(o, img);
    a = { ...a, runImage: { ...ri, reference, ...(target ? { target } : {}) } };
    changed = true;
  }
  return changed ? a : undefined;
}

/**
 * Where the run image to extend is read: the analyzer's digest reference when it names the same repository (so
 * the extended image and the exporter's run image are the same manifest even if the tag moved since), else the
 * run image name. [REF] always re-resolves the name (a FIXME there).
 */
function pinnedSource(store: Pick<ImageStore, 'kind'>, reference: string, name: string): string {
  if (store.kind !== 'registry' || reference === '' || reference.startsWith('/')) return name;
  try {
    const r = parseRef(reference);
    const n = parseRef(name);
    return r.digest && registryApiHost(r.registry) === registryApiHost(n.registry) && r.repository === n.repository ? reference : name;
  } catch {
    return name;
  }
}

/**
 * RS-12/RS-15: the sparse layout under `<kaniko-dir>/cache/base`. Skipped without a kaniko dir (the creator),
 * and, with a warning, when `<kaniko-dir>` does not exist: the platform mounts it for an extender ([REF] checks
 * for a usable kaniko dir too); the digest reference is still recorded.
 */
async function saveForExtender(o: UpdateAnalyzedOptions, img: Image): Promise<void> {
  if (!o.kanikoDir) return;
  const missing = await stat(o.kanikoDir).then(
    () => false,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return true;
      throw wrapError(e, 'ERR_RESTORE', `failed to read kaniko directory ${o.kanikoDir}`); // [REF]
    },
  );
  if (missing) {
    o.logger.warn(`kaniko directory ${o.kanikoDir} does not exist: image metadata for the extender is not saved`);
    return;
  }
  const { dir } = await saveSparseImage(o.kanikoDir, img);
  o.logger.debug(`Saved image metadata to ${dir}`);
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
