import { dirEntries, type WalkState } from '../archive/index.js';
import { FileLayer } from './file-layer.js';
import type { LayerWriter } from './layer-writer.js';

/** Options of `dirLayer`. */
export interface DirLayerOptions {
  /** Where the layer is written. */
  readonly writer: LayerWriter;
  /** In-tar path of the directory (default: its absolute path, which is what [REF] writes). */
  readonly prefix?: string;
  /** LY-29: owner of the directory and its contents (parents keep their on-disk owner). */
  readonly uid: number;
  readonly gid: number;
  /** Emit parent directories (default true; EP-21 / LY-22 [REF]). */
  readonly parents?: boolean;
  /** Keep the uncompressed tar next to the gzip blob (cache, daemon). */
  readonly keepTar?: boolean;
  readonly state?: WalkState;
  readonly signal?: AbortSignal;
}

/**
 * A layer from a directory tree: sorted walk, normalized headers (mtime 1980-01-01T00:00:01Z, empty names,
 * uid/gid from options), one pass to diffID/digest/size. The same tree always gives the same diffID and
 * digest, whatever its mtimes and atimes (LY-25, LY-26, EP-21).
 */
export async function dirLayer(dir: string, options: DirLayerOptions): Promise<FileLayer> {
  const entries = dirEntries(dir, {
    uid: options.uid,
    gid: options.gid,
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    ...(options.parents !== undefined ? { parents: options.parents } : {}),
    ...(options.state ? { state: options.state } : {}),
  });
  const file = await options.writer.write(entries, {
    ...(options.keepTar !== undefined ? { keepTar: options.keepTar } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return new FileLayer(file);
}
