import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { LifecycleError } from '../errors/index.js';
import type { ArchiveManifestEntry } from './docker-archive-writer.js';
import { spoolToDir, type SpooledFile } from './spool.js';

/** A docker-archive unpacked into a spool directory: every regular file stored once, named by its sha256. */
export interface SpooledArchive {
  readonly dir: string;
  /** The parsed `manifest.json` (one entry per image). */
  readonly manifest: readonly ArchiveManifestEntry[];
  /** The file stored under an archive path (`./` and symlinks resolved); undefined when absent. */
  file(name: string): SpooledFile | undefined;
}

const MAX_MANIFEST = 16 * 1024 * 1024;

function clean(name: string): string {
  return posix.normalize(name.replace(/^(\.\/|\/)+/, '')).replace(/^(\.\/)+/, '');
}

function fail(what: string, cause: string): never {
  throw new LifecycleError('ERR_DAEMON', `${what}: ${cause}`);
}

/**
 * Reads a docker-archive stream (`docker save`, podman's and Docker's legacy layout `<id>/layer.tar`, or
 * Docker ≥25's OCI layout with `blobs/sha256/…`) into `dir`. Files are hashed while written (spoolToDir), so
 * callers verify content by name alone. `what` prefixes errors ("daemon X: save image 'y'"). A stream that ends
 * mid-entry, or without `manifest.json`, fails with ERR_DAEMON.
 */
export async function spoolDockerArchive(source: Readable, dir: string, what: string, signal?: AbortSignal): Promise<SpooledArchive> {
  const files = new Map<string, SpooledFile>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  source.on('error', (e) => extract.destroy(e));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const name = clean(entry.header.name);
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        files.set(name, await spoolToDir(Readable.from(entry), dir, signal ? { signal } : {}));
      } else {
        if (entry.header.type === 'symlink' || entry.header.type === 'link') {
          const target = entry.header.linkname ?? '';
          links.set(name, entry.header.type === 'link' ? clean(target) : clean(posix.join(posix.dirname(name), target)));
        }
        entry.resume();
      }
    }
  } catch (e) {
    source.destroy();
    if (signal?.aborted) throw e;
    fail(what, `reading the archive failed (truncated or not a tar?): ${(e as Error).message}`);
  }
  const file = (name: string): SpooledFile | undefined => {
    let n = clean(name);
    for (let hops = 0; hops < 16 && !files.has(n) && links.has(n); hops++) n = links.get(n)!;
    return files.get(n);
  };
  const mf = file('manifest.json') ?? fail(what, 'the archive has no manifest.json (truncated?)');
  if ((await stat(mf.path)).size > MAX_MANIFEST) fail(what, 'manifest.json is too large');
  return { dir, manifest: parseArchiveManifest(await readFile(mf.path, 'utf8'), what), file };
}

/** Parses and validates a docker-archive `manifest.json`. */
export function parseArchiveManifest(text: string, what: string): ArchiveManifestEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail(what, 'manifest.json is not JSON');
  }
  if (!Array.isArray(v) || v.length === 0) fail(what, 'manifest.json is not a non-empty array');
  return v.map((e: unknown, i) => {
    const o = e as Partial<Record<keyof ArchiveManifestEntry, unknown>> | null;
    if (!o || typeof o.Config !== 'string') fail(what, `manifest.json entry ${i} has no Config`);
    if (!Array.isArray(o.Layers) || !o.Layers.every((l) => typeof l === 'string')) fail(what, `manifest.json entry ${i} has no Layers`);
    const tags = Array.isArray(o.RepoTags) ? (o.RepoTags as unknown[]).filter((t): t is string => typeof t === 'string') : null;
    return { Config: o.Config, RepoTags: tags, Layers: o.Layers as string[] };
  });
}
