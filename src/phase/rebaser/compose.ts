import { editConfig, setCreated, type Image } from '../../image/index.js';
import type { History } from '../../oci/index.js';
import { encodeLifecycleLabel, Labels, type ApiVersion, type LifecycleMetadata } from '../../platform/index.js';
import { NORMALIZED_TIME } from '../../sys/index.js';
import { syncBaseLabels } from './metadata-update.js';
import { rebaseOnTopLayer } from './rebase-image.js';

/**
 * [REF] NormalizedHistory: history without empty_layer entries, one entry per layer; when the entries do not
 * line up with the layers, one empty entry per layer instead.
 */
export function normalizedHistory(history: readonly History[] | undefined, layers: number): History[] {
  const kept = (history ?? []).filter((h) => !h.empty_layer);
  return kept.length === layers ? kept.map((h) => ({ ...h })) : Array.from({ length: layers }, () => ({}));
}

/** What `composeRebased` needs besides the two images. */
export interface ComposeOptions {
  /** The old run image's top layer diffID (the label's `runImage.topLayer` before the update). */
  readonly oldTopLayer: string;
  /** The updated lifecycle metadata (RB-06). */
  readonly metadata: LifecycleMetadata;
  /** Labels of the new run image (RB-07). */
  readonly newBaseLabels: Readonly<Record<string, string>>;
  readonly platformApi: ApiVersion;
  /** Names the app image in errors. */
  readonly what: string;
}

/**
 * The rebased app image (lazy; no layer is read): RB-05 layers, RB-06 lifecycle label, RB-07 base/stack labels,
 * RB-11 `created` (and every history entry's `created`) set to the constant 1980-01-01T00:00:01Z, history
 * normalized to one entry per layer. Deterministic, so identical inputs give identical image IDs (RB-12).
 */
export function composeRebased(app: Image, newBase: Image, o: ComposeOptions): Image {
  const rebased = editConfig(rebaseOnTopLayer(app, o.oldTopLayer, newBase, o.what), (c) => {
    const labels = syncBaseLabels((c.config?.Labels as Record<string, string> | undefined) ?? {}, o.newBaseLabels, o.platformApi);
    labels[Labels.lifecycleMetadata] = encodeLifecycleLabel(o.metadata);
    c.config = { ...(c.config ?? {}), Labels: labels };
    if (c.history !== undefined) c.history = normalizedHistory(c.history, c.rootfs.diff_ids.length);
  });
  return setCreated(rebased, NORMALIZED_TIME, { history: true });
}
