import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { digestHex, encodeJson, sha256Digest, type Digest } from '../oci/index.js';

/** One layer of a docker-archive: the uncompressed tar (`size` bytes, hashing to `diffId`), or a blank placeholder. */
export type ArchiveLayer =
  | { readonly diffId: Digest; readonly size: number; open(): Promise<Readable> }
  /** The daemon already has this layer at this position of the chain: an empty file stands in for it. */
  | { readonly diffId: Digest; readonly blank: true };

/** What `writeDockerArchive` writes. */
export interface DockerArchiveSpec {
  /** The raw config bytes; written as `<sha256 hex>.json`, so the daemon's image ID is their sha256. */
  readonly config: Uint8Array;
  /** Tags the daemon applies on load (`manifest.json` RepoTags). */
  readonly repoTags: readonly string[];
  /** Layers bottom to top, one per `rootfs.diff_ids` entry. */
  readonly layers: readonly ArchiveLayer[];
}

/** The one entry of a docker-archive's `manifest.json`. */
export interface ArchiveManifestEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[] | null;
  readonly Layers: readonly string[];
}

const HEADER = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) } as const;

/** The `manifest.json` entry and the layer file names of `spec` (a layer appearing twice is written once). */
export function archiveManifest(spec: DockerArchiveSpec): ArchiveManifestEntry {
  const Layers = spec.layers.map((l, i) => ('blank' in l ? `blank_${i}` : `${digestHex(l.diffId)}.tar`));
  return { Config: `${digestHex(sha256Digest(spec.config))}.json`, RepoTags: [...spec.repoTags], Layers };
}

/**
 * Streams a docker-archive (the format of `docker save` / `POST /images/load`): `manifest.json` first (so a
 * streaming reader knows the layout early), the config, then each layer tar, uncompressed. Headers are
 * normalized (mode 0644, uid/gid 0, mtime 0), so the same spec gives the same bytes. A layer whose bytes do not
 * match its declared size fails the stream (tar-stream checks it); the caller verifies diffIDs on the way in.
 */
export function writeDockerArchive(spec: DockerArchiveSpec): Readable {
  const pack = tar.pack();
  const manifest = archiveManifest(spec);
  void (async () => {
    await addBuffer(pack, 'manifest.json', encodeJson([manifest]));
    await addBuffer(pack, manifest.Config, Buffer.from(spec.config));
    const written = new Set<string>();
    for (const [i, layer] of spec.layers.entries()) {
      const name = manifest.Layers[i]!;
      if (written.has(name)) continue;
      written.add(name);
      if ('blank' in layer) await addBuffer(pack, name, Buffer.alloc(0));
      else await addStream(pack, name, layer.size, await layer.open());
    }
    pack.finalize();
  })().catch((e: unknown) => pack.destroy(e as Error));
  return Readable.from(pack); // a Node stream for undici and pipeline (tar-stream streams are streamx)
}

function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ ...HEADER, name, size: data.length, type: 'file' }, data, (err) => (err ? reject(err) : resolve()));
  });
}

async function addStream(pack: tar.Pack, name: string, size: number, source: Readable): Promise<void> {
  let settle!: (err?: Error | null) => void;
  const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
  done.catch(() => undefined); // when the source fails first, its error is the one thrown
  const entry = pack.entry({ ...HEADER, name, size, type: 'file' }, (err) => settle(err));
  entry.on('error', (e: Error) => settle(e)); // also reported through the callback; never unhandled
  try {
    for await (const chunk of source) {
      if (!entry.write(chunk)) await drained(entry);
    }
    entry.end(undefined);
  } catch (e) {
    entry.destroy(e as Error);
    throw e;
  } finally {
    source.destroy();
  }
  await done;
}

/** Resolves on 'drain', or when the entry closes (destroyed), so a failed entry never hangs the writer. */
function drained(entry: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      entry.off('drain', done);
      entry.off('close', done);
      resolve();
    };
    entry.on('drain', done);
    entry.on('close', done);
  });
}
