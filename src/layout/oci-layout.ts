import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifecycleError } from '../errors/index.js';
import { digestHex, encodeJson, MediaTypes, parseIndex, sha256Digest, type Descriptor, type Digest, type IndexManifest } from '../oci/index.js';
import { collect, verifyStream } from '../stream/index.js';
import { tempPathFor, writeFileAtomic } from '../sys/index.js';

/** Upper bound for index.json and manifests read from a layout. */
export const MAX_MANIFEST_SIZE = 4 << 20;
const LAYOUT_FILE = 'oci-layout';
const LAYOUT_CONTENT = '{"imageLayoutVersion":"1.0.0"}';

/** Where a blob's bytes come from when writing it. */
export type BlobSource = Uint8Array | (() => Promise<Readable>) | { readonly copyFrom: string };

/**
 * One OCI image-layout directory (`oci-layout`, `index.json`, `blobs/sha256/<hex>`). Blob writes are atomic
 * (temp file in the blob dir, verified against digest and size, then rename) and skipped when a blob of the
 * right size is already there; reads are verified at EOF. Errors are ERR_LAYOUT naming the directory.
 */
export class OciLayout {
  private constructor(readonly dir: string) {}

  /** Opens an existing layout (undefined when `dir` has no `oci-layout` file). */
  static async open(dir: string): Promise<OciLayout | undefined> {
    try {
      await stat(join(dir, LAYOUT_FILE));
    } catch {
      return undefined;
    }
    return new OciLayout(dir);
  }

  /** Opens or creates a layout at `dir` (with an empty index when new). */
  static async init(dir: string): Promise<OciLayout> {
    const l = new OciLayout(dir);
    try {
      await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
      if (!(await exists(join(dir, LAYOUT_FILE)))) await writeFileAtomic(join(dir, LAYOUT_FILE), LAYOUT_CONTENT);
      if (!(await exists(join(dir, 'index.json')))) await l.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] });
    } catch (e) {
      throw l.error(`cannot initialize: ${(e as Error).message}`, e);
    }
    return l;
  }

  error(msg: string, cause?: unknown): LifecycleError {
    return new LifecycleError('ERR_LAYOUT', `OCI layout ${this.dir}: ${msg}`, cause ? { cause } : undefined);
  }

  /** The raw bytes of index.json. */
  async rawIndex(): Promise<Buffer> {
    try {
      const b = await readFile(join(this.dir, 'index.json'));
      if (b.byteLength > MAX_MANIFEST_SIZE) throw new Error(`index.json larger than ${MAX_MANIFEST_SIZE} bytes`);
      return b;
    } catch (e) {
      throw this.error(`cannot read index.json: ${(e as Error).message}`, e);
    }
  }

  /** index.json, parsed and validated. */
  async readIndex(): Promise<IndexManifest> {
    const raw = await this.rawIndex();
    try {
      return parseIndex(raw);
    } catch (e) {
      throw this.error(`index.json: ${(e as Error).message}`, e);
    }
  }

  /** Replaces index.json atomically. */
  async writeIndex(index: IndexManifest): Promise<void> {
    await writeFileAtomic(join(this.dir, 'index.json'), encodeJson(index));
  }

  /**
   * Read-modify-write of index.json, serialized per layout directory within this process (concurrent
   * writes of several refs into one layout must not lose entries).
   */
  async updateIndex(fn: (index: IndexManifest) => IndexManifest): Promise<void> {
    const prev = indexLocks.get(this.dir) ?? Promise.resolve();
    const run = prev.then(async () => this.writeIndex(fn(await this.readIndex())));
    const settled = run.catch(() => undefined);
    indexLocks.set(this.dir, settled);
    try {
      await run;
    } finally {
      if (indexLocks.get(this.dir) === settled) indexLocks.delete(this.dir);
    }
  }

  /** Path of a blob file. */
  blobPath(digest: Digest): string {
    return join(this.dir, 'blobs', 'sha256', digestHex(digest));
  }

  /** True when the blob file exists with the expected size. */
  async hasBlob(desc: { digest: Digest; size: number }): Promise<boolean> {
    try {
      const s = await stat(this.blobPath(desc.digest));
      return s.isFile() && s.size === desc.size;
    } catch {
      return false;
    }
  }

  /** Opens a blob for reading, verified against the descriptor's digest and size at EOF. */
  async openBlob(desc: { digest: Digest; size: number }, signal?: AbortSignal): Promise<Readable> {
    const path = this.blobPath(desc.digest);
    if (!(await exists(path))) throw this.error(`blob ${desc.digest} is missing`);
    return verifyStream(createReadStream(path, signal ? { signal } : {}), desc, `blob ${desc.digest} in OCI layout ${this.dir}`);
  }

  /** Reads a small blob (manifest, config) fully, verified. */
  async readBlob(desc: { digest: Digest; size: number }, max = MAX_MANIFEST_SIZE): Promise<Buffer> {
    if (desc.size > max) throw this.error(`blob ${desc.digest} is ${desc.size} bytes, more than the limit ${max}`);
    return collect(await this.openBlob(desc), { max, what: `blob ${desc.digest}`, code: 'ERR_LAYOUT' });
  }

  /**
   * Writes a blob unless a file of the right size is already there. Bytes and streams are verified while
   * written; `copyFrom` (our own content-addressed artifact) is copied as is. Temp file + rename.
   */
  async writeBlob(desc: { digest: Digest; size: number }, source: BlobSource): Promise<void> {
    if (await this.hasBlob(desc)) return;
    const path = this.blobPath(desc.digest);
    const tmp = tempPathFor(path);
    try {
      await mkdir(join(this.dir, 'blobs', 'sha256'), { recursive: true });
      if (source instanceof Uint8Array) {
        if (source.byteLength !== desc.size || sha256Digest(source) !== desc.digest) throw new LifecycleError('ERR_DIGEST', `blob ${desc.digest}: content does not match its descriptor`);
        await writeFileAtomic(path, source);
        return;
      }
      if ('copyFrom' in source) {
        await copyFile(source.copyFrom, tmp);
        const s = await stat(tmp);
        if (s.size !== desc.size) throw new LifecycleError('ERR_DIGEST', `blob ${desc.digest}: ${source.copyFrom} has ${s.size} bytes, want ${desc.size}`);
      } else {
        await pipeline(verifyStream(await source(), desc, `blob ${desc.digest} written to OCI layout ${this.dir}`), createWriteStream(tmp, { flags: 'wx' }));
      }
      await rename(tmp, path);
    } catch (e) {
      if (e instanceof LifecycleError) throw e;
      throw this.error(`cannot write blob ${desc.digest}: ${(e as Error).message}`, e);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Descriptors in index.json whose ref-name annotation is `name`. */
  async findByRefName(name: string): Promise<Descriptor[]> {
    return (await this.readIndex()).manifests.filter((d) => d.annotations?.[REF_NAME] === name);
  }
}

/** The OCI annotation that names an image inside a layout (`skopeo oci:DIR:NAME`, `umoci --image DIR:NAME`). */
export const REF_NAME = 'org.opencontainers.image.ref.name';

const indexLocks = new Map<string, Promise<unknown>>();

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
