import { LifecycleError } from '../../errors/index.js';
import { ComputedImage, rebase, stateOf, type Image } from '../../image/index.js';
import type { History } from '../../oci/index.js';

/** How many history entries describe the bottom `layers` layers (empty_layer entries do not count as layers). */
function historyCut(history: readonly History[], layers: number): number {
  let seen = 0;
  for (let i = 0; i < history.length; i++) {
    if (history[i]?.empty_layer) continue;
    seen++;
    if (seen === layers) return i + 1;
  }
  return Math.min(layers, history.length);
}

/**
 * The bottom of `app` up to and including the layer whose diffID is `topLayer` ([REF] imgutil's facade): the
 * "old base" that `rebase` replaces. ERR_REBASE when `app` has no such layer.
 */
export function oldBaseOf(app: Image, topLayer: string, what: string): Image {
  return new ComputedImage(async () => {
    const s = await stateOf(app);
    const ids = s.config.rootfs.diff_ids;
    const idx = topLayer === '' ? -1 : ids.indexOf(topLayer as (typeof ids)[number]);
    if (idx < 0) {
      const why = topLayer === '' ? 'the lifecycle metadata label has no runImage.topLayer' : `it has no layer with diffID ${topLayer} (runImage.topLayer)`;
      throw new LifecycleError('ERR_REBASE', `rebase app image: cannot find the run image layers of ${what}: ${why}`);
    }
    const n = idx + 1;
    s.config.rootfs = { type: 'layers', diff_ids: ids.slice(0, n) };
    if (s.config.history) s.config.history = s.config.history.slice(0, historyCut(s.config.history, n));
    s.slots = s.slots.slice(0, n);
    return s;
  });
}

/**
 * RB-05: `app` with its run image layers (bottom up to and including `topLayer`, a diffID) replaced by every
 * layer of `newBase`; the layers above are kept as the same Layer objects (so a registry sink mounts or skips
 * them: no byte is read). The config is the new base's with the app's runtime `config` section (so target data
 * `os`/`architecture`/`variant`/`os.version` comes from the new run image, RB-09). Lazy: nothing is read until
 * the result is.
 */
export function rebaseOnTopLayer(app: Image, topLayer: string, newBase: Image, what: string): Image {
  return rebase(app, oldBaseOf(app, topLayer, what), newBase);
}
