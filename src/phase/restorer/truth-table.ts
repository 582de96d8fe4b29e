import type { CacheLayerMetadata } from '../../cache/index.js';
import { isDigest, type Digest } from '../../oci/index.js';
import type { LayerRecord } from '../../platform/index.js';

/** What the restorer does with one layer of one buildpack (checklist §7.3, RS-05..RS-09). */
export type LayerDecision =
  | {
      readonly name: string;
      /** Write `<layer>.toml` with this `[metadata]` only (RS-05), plus the layer SBOM; no contents (RS-07). */
      readonly action: 'metadata';
      readonly from: 'image';
      readonly metadata: Record<string, unknown>;
    }
  | {
      readonly name: string;
      /** Write `<layer>.toml` and extract the cached contents: both or neither (RS-06, LY-11). */
      readonly action: 'metadata+contents';
      readonly from: 'image' | 'cache';
      readonly metadata: Record<string, unknown>;
      /** diffID (uncompressed tar sha256) of the cached layer, equal to the diffID the metadata came with. */
      readonly diffId: Digest;
    }
  | {
      readonly name: string;
      readonly action: 'skip';
      /** Why nothing is written, for a debug/info log line. */
      readonly reason: string;
      /** True for REF's "Removing ..., wrong sha" case (logged at info level). */
      readonly staleCache?: boolean;
    };

/** The inputs of `decideLayers` for one buildpack of the group. */
export interface LayerDecisionInput {
  /** The previous image's layers of this buildpack (analyzed.toml `[metadata]`, LBL-04), by name. */
  readonly imageLayers: Readonly<Record<string, LayerRecord>>;
  /** The cache's layers of this buildpack (FMT-28), by name; empty without a cache (RS-11, LY-14). */
  readonly cacheLayers: Readonly<Record<string, CacheLayerMetadata>>;
  /** ≥0.14 (RS-09): launch+cache layer metadata may come from the cache when the image lacks the layer. */
  readonly launchCacheFromCache: boolean;
}

const table = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * The restore truth table (§7.3) for one buildpack, as [REF] combines its metadata pass and its data pass:
 *
 * From the previous image (only `launch = true` records):
 * - `build = true, cache = false`: nothing (RS-08: the buildpack always recreates it);
 * - `cache = true`: only when the cache also has the layer as `cache = true` (and then see "data" below);
 * - otherwise (`launch` only): metadata only, never contents (RS-07, LY-06).
 *
 * From the cache (only `cache = true` records): `launch = false` layers always; `launch = true` layers only at
 * ≥0.14 and only when the image lacks the layer (RS-09); below 0.14 they come from the image or not at all.
 *
 * Data: a layer whose metadata was chosen and whose cache record is `cache = true` gets its contents from the
 * cache only when the diffID the metadata came with equals the cache's diffID; otherwise neither its metadata
 * nor its contents are restored (RS-06 "wrong sha"). Layers are returned sorted by name. Pure: no I/O.
 */
export function decideLayers(input: LayerDecisionInput): LayerDecision[] {
  const { imageLayers, cacheLayers } = input;
  const chosen = new Map<string, { from: 'image' | 'cache'; sha: string; metadata: Record<string, unknown> }>();
  const skipped = new Map<string, string>();

  for (const [name, l] of Object.entries(imageLayers)) {
    if (!l.launch) {
      skipped.set(name, 'marked as launch=false in the previous image');
      continue;
    }
    if (l.build && !l.cache) {
      skipped.set(name, 'marked as build=true, cache=false'); // RS-08
      continue;
    }
    if (l.cache && cacheLayers[name]?.cache !== true) {
      skipped.set(name, 'marked as cache=true, but not found in cache'); // RS-06
      continue;
    }
    chosen.set(name, { from: 'image', sha: l.sha, metadata: table(l.data) });
  }

  for (const [name, l] of Object.entries(cacheLayers)) {
    if (!l.cache) {
      if (!chosen.has(name)) skipped.set(name, 'marked as cache=false in the cache');
      continue;
    }
    if (l.launch && (!input.launchCacheFromCache || name in imageLayers)) {
      // RS-09: below 0.14 (or when the image has it) the metadata of a launch layer comes from the image
      if (!chosen.has(name)) skipped.set(name, 'marked as launch=true in the cache, not in the previous image');
      continue;
    }
    chosen.set(name, { from: 'cache', sha: l.sha, metadata: table(l.data) });
    skipped.delete(name);
  }

  const out: LayerDecision[] = [];
  for (const [name, c] of chosen) {
    const cached = cacheLayers[name];
    if (cached?.cache !== true) {
      out.push({ name, action: 'metadata', from: 'image', metadata: c.metadata });
    } else if (c.sha === cached.sha && isDigest(cached.sha)) {
      out.push({ name, action: 'metadata+contents', from: c.from, metadata: c.metadata, diffId: cached.sha });
    } else {
      out.push({ name, action: 'skip', reason: `wrong sha (layer ${c.sha || '<none>'}, cache ${cached.sha || '<none>'})`, staleCache: true });
    }
  }
  for (const [name, reason] of skipped) if (!chosen.has(name)) out.push({ name, action: 'skip', reason });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
