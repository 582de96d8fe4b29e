/** The kinds of tar entries the lifecycle writes and reads. */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'char-device' | 'block-device';

/**
 * EP-21 / LY-26 [REF]: the constant modification time of every entry in a layer the lifecycle creates,
 * 1980-01-01T00:00:01Z (the same constant as image `created`, NORMALIZED_TIME in src/sys).
 */
export const TAR_MTIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 1));

/**
 * A normalized tar entry, produced in final order by a walker (or built by hand). The writer encodes exactly
 * these fields; `uname`/`gname` are always empty and `mtime` defaults to TAR_MTIME (EP-21).
 * At most one content source is used, in this order: `data`, `source` (a file on disk read by the writer,
 * which avoids a per-file stream), `open()`. `size` is required for files with `source` or `open`.
 */
export interface TarEntry {
  /** The entry name as written: POSIX separators, e.g. `/layers/my_bp/layer/bin/x` (absolute, as [REF] writes). */
  readonly path: string;
  readonly type: TarEntryType;
  /** Permission bits plus setuid/setgid/sticky (`& 0o7777`); no file-type bits. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Content length of a `file` entry (0 for every other type). */
  readonly size?: number;
  /** Symlink target, or for `link` the path of the entry it hard-links to. */
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Defaults to TAR_MTIME. */
  readonly mtime?: Date;
  /** In-memory content of a `file` entry. */
  readonly data?: Uint8Array;
  /** A file on disk whose first `size` bytes are the content (read by the writer). */
  readonly source?: string;
  /** Streamed content of exactly `size` bytes. */
  readonly open?: () => Promise<AsyncIterable<Uint8Array>>;
}
