import { lstat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { dirEntries, TAR_MTIME } from '../../archive/index.js';
import { FINE_RACY_WINDOW_MS, fingerprintDir, hasSubSecondTimes, RACY_WINDOW_MS, racyWindowMs, type Fingerprint, type LayerSelectorCache } from '../../cache/index.js';
import type { Digest } from '../../oci/index.js';
import { systemClock, type Clock, type Logger } from '../../sys/index.js';
import type { RestoredHeader } from './layer-extract.js';

/** The version of the buildpack-layer salt recipe; bump it when the exporter's tar recipe changes. */
export const LAYER_SALT_VERSION = 'cnb-buildpack-layer-v1';

/**
 * The fingerprint salt of a buildpack layer directory (`fingerprintDir(dir, {salt})`): everything the
 * exporter's tar of `dir` depends on besides the directory itself (see src/cache/README.md): the recipe
 * version, the uid/gid every entry gets (LY-29), and mode/uid/gid of the parent directories, which the tar
 * carries with their on-disk values (EP-21). The exporter MUST compute the salt with this function too.
 */
export async function layerFingerprintSalt(dir: string, ids: { uid: number; gid: number }): Promise<string> {
  const parts = [LAYER_SALT_VERSION, `uid=${ids.uid}`, `gid=${ids.gid}`];
  let p = dirname(resolve(dir));
  for (;;) {
    const st = await lstat(p).catch(() => undefined);
    parts.push(st ? `${p}:${st.mode & 0o7777}:${st.uid}:${st.gid}` : `${p}:-`);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return parts.join('\0');
}

/**
 * True when a fresh walk of `dir` (what the exporter would tar, src/archive `dirEntries` with this uid/gid)
 * yields exactly the headers the cached tar had, in the same order, with the constant mtime: only then is the
 * cached diffID the diffID the exporter would compute, and only then may it be recorded for the fingerprint.
 */
export async function walkMatchesHeaders(dir: string, headers: readonly RestoredHeader[], ids: { uid: number; gid: number }): Promise<boolean> {
  let i = 0;
  const mtime = TAR_MTIME.getTime();
  for await (const e of dirEntries(dir, { uid: ids.uid, gid: ids.gid })) {
    const h = headers[i++];
    if (h === undefined) return false;
    if (h.mtimeMs !== mtime || h.path !== e.path || h.type !== e.type || h.mode !== e.mode || h.uid !== e.uid || h.gid !== e.gid) return false;
    if (h.size !== (e.type === 'file' ? (e.size ?? 0) : 0) || h.linkname !== (e.linkname ?? '')) return false;
  }
  return i === headers.length;
}

/** A restored layer that may be recorded. */
export interface RestoredLayer {
  readonly dir: string;
  /** diffID of the cached tar the directory was extracted from. */
  readonly diffId: Digest;
  readonly headers: readonly RestoredHeader[];
}

/** Options of `recordRestoredLayers`. */
export interface RecordOptions {
  readonly selectors: LayerSelectorCache;
  readonly uid: number;
  readonly gid: number;
  readonly clock?: Clock;
  /** Waits `ms` (injected for tests; default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: Logger;
  /**
   * Clock time (ms) after which nothing in the layers changed (the restorer passes the end of its writes).
   * With it the racy window is waited out first and each layer is fingerprinted once; without it every layer
   * is fingerprinted, and again after the wait when a fingerprint was racy.
   */
  readonly changedBeforeMs?: number;
}

/** True when `dir`'s own times have a sub-second part (its file system keeps fine timestamps). */
async function fineTimes(dir: string): Promise<boolean> {
  const st = await lstat(dir, { bigint: true }).catch(() => undefined);
  return st !== undefined && hasSubSecondTimes(st);
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Records `fingerprint(dir) → {diffId}` for each restored layer (performance: the exporter then reuses the
 * layer by diffID instead of re-tarring it, src/cache README "Layer selectors"). A directory changed within
 * racyWindowMs (50 ms with sub-second file times, else 2 s) of fingerprinting is "racily clean" and would not be recorded, and a freshly extracted one
 * always is; so this waits once, until the window after the newest change has passed (from `changedBeforeMs`
 * when given, before the only walk; else after a first walk, which is then repeated). Layers whose fresh walk differs from the cached tar's headers are not recorded.
 * Failures only log: a missing record costs a re-tar, never a build. Returns how many were recorded.
 */
export async function recordRestoredLayers(layers: readonly RestoredLayer[], o: RecordOptions): Promise<number> {
  if (layers.length === 0) return 0;
  const clock = o.clock ?? systemClock;
  const ids = { uid: o.uid, gid: o.gid };
  const take = async (l: RestoredLayer): Promise<Fingerprint> => fingerprintDir(l.dir, { salt: await layerFingerprintSalt(l.dir, ids), clock });
  let recorded = 0;
  try {
    if (o.changedBeforeMs !== undefined) {
      // Freshly written directories are always racily clean (their ctimes are "now"): wait first, walk once.
      const fine = (await Promise.all(layers.map((l) => fineTimes(l.dir)))).every(Boolean);
      const wait = o.changedBeforeMs + (fine ? FINE_RACY_WINDOW_MS : RACY_WINDOW_MS) + 20 - clock.now().getTime();
      if (wait > 0) await (o.sleep ?? defaultSleep)(wait);
    }
    let fps = await Promise.all(layers.map(take));
    const newest = Math.max(...fps.map((f) => f.newestChangeMs));
    if (fps.some((f) => o.selectors.isRacy(f))) {
      const window = Math.max(...fps.map((f) => racyWindowMs(f)));
      const wait = newest + window + 20 - clock.now().getTime();
      if (wait > 0) await (o.sleep ?? defaultSleep)(wait);
      fps = await Promise.all(layers.map(take));
    }
    for (const [i, l] of layers.entries()) {
      const fp = fps[i] as Fingerprint;
      if (!(await walkMatchesHeaders(l.dir, l.headers, ids))) {
        o.logger?.debug(`Not recording a fingerprint for ${l.dir}: its tar would not be byte-identical to ${l.diffId}`);
        continue;
      }
      if (await o.selectors.record(fp, { diffId: l.diffId })) recorded++;
    }
  } catch (e) {
    o.logger?.warn(`Could not record layer fingerprints: ${(e as Error).message}`);
  }
  return recorded;
}
