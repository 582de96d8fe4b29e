import { LifecycleError } from '../errors/index.js';
import { isManifestType, type Digest, type History } from '../oci/index.js';
import { ComputedImage, stateOf, type MutableConfig } from './computed-image.js';
import type { Image, Layer } from './types.js';

/** One layer to append, with its optional history entry. */
export interface Addendum {
  readonly layer: Layer;
  readonly history?: History;
}

/**
 * Appends layers on top of `image` (lazy). diff_ids and history are extended; the Layer objects are kept
 * as given (a layer of another image stays that image's layer, so a registry sink can mount it). EP-12 order
 * is the caller's: layers go on in array order.
 */
export function appendLayers(image: Image, additions: readonly Addendum[]): Image {
  return new ComputedImage(async () => {
    const s = await stateOf(image);
    const ids = await Promise.all(additions.map((a) => a.layer.diffId()));
    const rootfs = s.config.rootfs ?? { type: 'layers', diff_ids: [] };
    s.config.rootfs = { ...rootfs, type: 'layers', diff_ids: [...(rootfs.diff_ids ?? []), ...ids] };
    if (s.config.history !== undefined || additions.some((a) => a.history)) {
      s.config.history = [...(s.config.history ?? []), ...additions.map((a) => a.history ?? {})];
    }
    for (const a of additions) s.slots.push({ layer: a.layer });
    return s;
  });
}

/** Edits the config with `fn` (given a deep copy; return the new config). Layers and rootfs are untouched. */
export function editConfig(image: Image, fn: (config: MutableConfig) => MutableConfig | void): Image {
  return new ComputedImage(async () => {
    const s = await stateOf(image);
    const out = fn(s.config);
    if (out) s.config = out;
    return s;
  });
}

/** Go's RFC 3339 form of a time as JSON encodes it (`1980-01-01T00:00:01Z`, fraction only when non-zero). */
export function formatCreated(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/**
 * EP-20: sets `created` (SOURCE_DATE_EPOCH or the constant, chosen by the caller); with `history`, every
 * history entry's `created` too (as [REF] imgutil does at save).
 */
export function setCreated(image: Image, date: Date, options: { history?: boolean } = {}): Image {
  const created = formatCreated(date);
  return editConfig(image, (c) => {
    c.created = created;
    if (options.history && c.history) c.history = c.history.map((h) => ({ ...h, created }));
  });
}

/** Switches the manifest media type (OCI or Docker); config and layer media types follow. Bytes do not change. */
export function setMediaType(image: Image, mediaType: string): Image {
  if (!isManifestType(mediaType)) throw new LifecycleError('ERR_IMAGE', `'${mediaType}' is not an image manifest media type`);
  return new ComputedImage(async () => {
    const s = await stateOf(image);
    s.mediaType = mediaType;
    return s;
  });
}

/**
 * Rebases `image` from `oldBase` onto `newBase` (RB-*, LY-23/LY-24): `oldBase`'s layers must be the bottom of
 * `image` (by diffID). The result has `newBase`'s layers, then `image`'s layers above the old base, the new
 * base's config with `image`'s runtime `config` section, and the history of both parts. No layer is read.
 */
export function rebase(image: Image, oldBase: Image, newBase: Image): Image {
  return new ComputedImage(async () => {
    const [orig, old, next] = await Promise.all([stateOf(image), stateOf(oldBase), stateOf(newBase)]);
    const origIds = orig.config.rootfs.diff_ids;
    const oldIds = old.config.rootfs.diff_ids;
    if (oldIds.length > origIds.length || oldIds.some((d, i) => origIds[i] !== d)) {
      throw new LifecycleError('ERR_IMAGE', 'cannot rebase: the image is not based on the given old base image (diff_ids differ)');
    }
    const top = orig.slots.slice(oldIds.length);
    const topIds = origIds.slice(oldIds.length) as Digest[];
    const cfg = next.config;
    if (orig.config.config !== undefined) cfg.config = orig.config.config;
    else delete cfg.config;
    cfg.rootfs = { type: 'layers', diff_ids: [...next.config.rootfs.diff_ids, ...topIds] };
    const oldHist = old.config.history ?? [];
    const origHist = orig.config.history ?? [];
    if (cfg.history !== undefined || origHist.length > 0) {
      cfg.history = [...(cfg.history ?? []), ...origHist.slice(oldHist.length)];
    }
    return { mediaType: orig.mediaType, config: cfg, slots: [...next.slots, ...top] };
  });
}
