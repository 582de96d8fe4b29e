import { createReadStream, rmSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LifecycleError } from '../errors/index.js';
import { digestHex, isDigest, type Digest } from '../oci/index.js';
import { errnoCode, removeQuietly, renameDurable } from './durable-fs.js';
import { writeTemp } from './temp-write.js';
import { verified } from './verify.js';

/** What `put` stored: the blob's sha256 digest, its size, its path, and whether it was already there. */
export interface StoredBlob {
  readonly digest: Digest;
  readonly size: number;
  readonly path: string;
  readonly existed: boolean;
}

/** The content directory's version; a format change bumps it and old directories are simply ignored. */
export const BLOB_STORE_VERSION = 'content-v1';

/**
 * A content-addressed disk store in the style of cacache: `<root>/content-v1/sha256/<hh>/<hex>`, one
 * immutable file per blob, named by the sha256 of its bytes (a layer *digest* for gzip blobs, a *diffID* for
 * uncompressed tars: the store does not care which). Writes stream into `<root>/tmp/`, are hashed and
 * fsynced, then renamed into place, so a reader never sees a partial blob. Reads are verified at EOF and a
 * corrupt blob is evicted. Concurrent `put`s of the same expected digest share one write (single-flight).
 */
export class BlobStore {
  readonly root: string;
  private readonly inflight = new Map<string, Promise<StoredBlob>>();

  /** No I/O here: directories are created by the first `put`. */
  constructor(root: string) {
    this.root = root;
  }

  /** The path the blob with sha256 `digest` has (or would have) in the store. */
  path(digest: Digest): string {
    const hex = digestHex(digest);
    return join(this.root, BLOB_STORE_VERSION, 'sha256', hex.slice(0, 2), hex);
  }

  /** True when the blob is present (and has `size` bytes, when given). Content is not re-hashed. */
  async has(digest: Digest, size?: number): Promise<boolean> {
    try {
      const st = await stat(this.path(digest));
      return st.isFile() && (size === undefined || st.size === size);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return false;
      throw e;
    }
  }

  /**
   * Opens a blob for reading, or `undefined` when absent. The stream is verified against `digest` (and
   * `size`) at EOF: a mismatch errors the stream with ERR_DIGEST and evicts the blob.
   */
  async open(digest: Digest, options: { size?: number; signal?: AbortSignal } = {}): Promise<Readable | undefined> {
    const p = this.path(digest);
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    const expected = { digest, size: options.size ?? st.size };
    return verified(createReadStream(p, { signal: options.signal }), expected, `blob ${p}`, () => rmSync(p, { force: true }));
  }

  /**
   * Streams `source` into the store and returns its sha256 digest and size. With `expected.digest` a blob
   * already present is not rewritten (the source is destroyed unread), and a mismatch throws ERR_DIGEST
   * without storing anything.
   */
  async put(
    source: Readable | AsyncIterable<Uint8Array>,
    expected: { digest?: Digest; size?: number } = {},
    signal?: AbortSignal,
  ): Promise<StoredBlob> {
    const key = expected.digest;
    if (key === undefined) return this.write(source, expected, signal);
    const running = this.inflight.get(key);
    if (running) {
      (source as Readable).destroy?.();
      return running.then((b) => ({ ...b, existed: true }));
    }
    const p = this.write(source, expected, signal).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async write(
    source: Readable | AsyncIterable<Uint8Array>,
    expected: { digest?: Digest; size?: number },
    signal?: AbortSignal,
  ): Promise<StoredBlob> {
    if (expected.digest !== undefined && (await this.has(expected.digest, expected.size))) {
      (source as Readable).destroy?.();
      return { digest: expected.digest, size: (await stat(this.path(expected.digest))).size, path: this.path(expected.digest), existed: true };
    }
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = await writeTemp(source, tmpDir, 'blob', expected, signal);
    try {
      const final = this.path(tmp.digest);
      await mkdir(join(final, '..'), { recursive: true });
      await renameDurable(tmp.path, final);
      return { digest: tmp.digest, size: tmp.size, path: final, existed: false };
    } finally {
      await removeQuietly(tmp.path);
    }
  }

  /** Removes a blob (no error when absent). */
  async remove(digest: Digest): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** Every digest in the store (order unspecified); stray names are skipped. */
  async list(): Promise<Digest[]> {
    const base = join(this.root, BLOB_STORE_VERSION, 'sha256');
    const out: Digest[] = [];
    let shards: string[];
    try {
      shards = await readdir(base);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return out;
      throw new LifecycleError('ERR_CACHE', `list blob store ${base}: ${(e as Error).message}`);
    }
    for (const shard of shards) {
      for (const name of await readdir(join(base, shard)).catch(() => [] as string[])) {
        const d = `sha256:${name}`;
        if (isDigest(d) && name.startsWith(shard)) out.push(d);
      }
    }
    return out;
  }

  /** Removes every blob whose digest is not in `keep` and any stale temp file; returns how many blobs went. */
  async prune(keep: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const d of await this.list()) {
      if (keep.has(d)) continue;
      await this.remove(d);
      removed++;
    }
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    return removed;
  }
}
