import { randomBytes } from 'node:crypto';
import { chmod, lchown, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { extractTar, normalizeTarPath, type TarEntryType, type TarHeader } from '../../archive/index.js';
import type { Cache } from '../../cache/index.js';
import type { Digest } from '../../oci/index.js';
import { isRoot } from '../../sys/index.js';
import { TarRootMapper } from './tar-root.js';

/** One header of a restored layer tar, as the fingerprint check compares it with a fresh walk (see README). */
export interface RestoredHeader {
  /** Normalized absolute in-tar name (`/layers/<bp>/<layer>/x`). */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkname: string;
  readonly mtimeMs: number;
}

/** What `extractCachedLayer` did. */
export type ExtractOutcome =
  | {
      readonly ok: true;
      /** True when the tar's root was the layer's current path (so re-tarring it can give the same diffID). */
      readonly rootIsExpected: boolean;
      /** Every header in tar order; undefined when there were more than `maxHeaders`, or an entry was skipped. */
      readonly headers: readonly RestoredHeader[] | undefined;
    }
  | { readonly ok: false; readonly reason: string };

/** Options of `extractCachedLayer`. */
export interface ExtractCachedLayerOptions {
  readonly cache: Cache;
  /** diffID (uncompressed tar sha256) of the cached layer; the stream is verified against it at EOF. */
  readonly diffId: Digest;
  /** The final directory, `<layers>/<escaped bp>/<layer>` (absolute). */
  readonly dir: string;
  /** The last in-tar segments of the layer root when the tar was written under another `<layers>` path. */
  readonly tail: readonly string[];
  /** Owner of everything extracted (LY-28) when running as root; otherwise files belong to the current user. */
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
  /** Cap on the headers kept for the fingerprint check (default 200,000). */
  readonly maxHeaders?: number;
  readonly signal?: AbortSignal;
}

/**
 * Restores one cached layer's contents (RS-06, §7.3) safely: the verified tar stream is extracted with the
 * safe extractor (src/archive: no `..`, nothing through symlinks, hard links inside only) into a hidden
 * sibling directory, which replaces `dir` only when extraction and the diffID check at EOF both succeeded.
 * Entries outside the layer's own directory are refused (see TarRootMapper), so nothing is ever written
 * outside `<layers>/<bp>/<layer>`. Every failure (missing blob, digest mismatch, unsafe tar) gives
 * `{ok: false}` and leaves nothing behind. The extractor's `onHeader` records every header (one parse).
 */
export async function extractCachedLayer(o: ExtractCachedLayerOptions): Promise<ExtractOutcome> {
  const what = `cache layer ${o.diffId}`;
  let source: Readable | undefined;
  try {
    source = await o.cache.openLayer(o.diffId, o.signal);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (source === undefined) return { ok: false, reason: 'not in cache' };

  const tmp = join(dirname(o.dir), `.${basename(o.dir)}.restoring-${randomBytes(4).toString('hex')}`);
  const mapper = new TarRootMapper(o.dir, o.tail, what);
  const max = o.maxHeaders ?? 200_000;
  let skippedEntry = false;
  // The headers are recorded from the extractor's own parse (one pass over the bytes): `onHeader` sees every
  // header (parents of the root included) and maps it; `rename` then returns that result, or its error.
  const headers: RestoredHeader[] = [];
  let tooMany = false;
  let rootMode: number | undefined;
  let mapped: { rel: string | undefined } | { error: unknown } = { rel: undefined };
  const record = (h: TarHeader): void => {
    let rel: string | undefined;
    try {
      rel = mapper.map(h.name);
      mapped = { rel };
    } catch (error) {
      mapped = { error };
      return;
    }
    if (rel === '') rootMode = h.mode & 0o7777;
    if (headers.length >= max) tooMany = true;
    if (tooMany) return;
    headers.push({
      path: normalizeTarPath(h.name),
      type: h.type,
      mode: h.mode & 0o7777,
      uid: h.uid,
      gid: h.gid,
      size: h.type === 'file' ? h.size : 0,
      linkname: h.linkname,
      mtimeMs: h.mtime.getTime(),
    });
  };
  const owner = isRoot() && o.uid !== undefined && o.gid !== undefined;
  try {
    await mkdir(tmp, { recursive: true, mode: 0o755 });
    await extractTar(source, tmp, {
      rename: () => {
        if ('error' in mapped) throw mapped.error;
        return mapped.rel;
      },
      what,
      ...(owner ? { owner: 'always' as const, mapUid: () => o.uid as number, mapGid: () => o.gid as number } : { owner: 'never' as const }),
      onSkip: () => (skippedEntry = true),
      onHeader: record,
    });
    await rm(o.dir, { recursive: true, force: true });
    await rename(tmp, o.dir);
    await chmod(o.dir, rootMode ?? 0o755);
    if (owner) await lchown(o.dir, o.uid as number, o.gid as number);
    return { ok: true, rootIsExpected: mapper.rootIsExpected, headers: skippedEntry || tooMany ? undefined : headers };
  } catch (e) {
    source.destroy();
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    return { ok: false, reason: (e as Error).message };
  }
}
