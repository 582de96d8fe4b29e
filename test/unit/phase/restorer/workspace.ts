/**
 * Set-up shared by the restorer spec tests (spec/restorer*.spec.ts): a workspace with `layers/` and `cache/`,
 * group.toml and analyzed.toml writers, a volume cache filled the way the exporter fills it (layer dirs under
 * `<layers>` tarred with src/layer `dirLayer`, then added to src/cache `VolumeCache` and committed), and a run
 * of the built `restorer` as root with `-uid/-gid TEST_UID` (GEN-12), or as the current user otherwise.
 */
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { escapeId } from '../../../../src/buildpack/index.js';
import { VolumeCache, type Cache, type CacheMetadata } from '../../../../src/cache/index.js';
import { dirLayer, LayerWriter } from '../../../../src/layer/index.js';
import type { Digest } from '../../../../src/oci/index.js';
import type { Layer } from '../../../../src/image/index.js';
import { emptyLifecycleMetadata, parseToml, writeAnalyzed, type Analyzed, type LifecycleMetadata } from '../../../../src/platform/index.js';
import { isRoot, makeTempDir, runPhase, TEST_GID, TEST_UID, type PhaseRun } from '../../../../spec/harness/index.js';

export interface RestorerWorkspace {
  readonly dir: string;
  readonly layers: string;
  readonly cache: string;
  readonly group: string;
  readonly analyzed: string;
  cleanup(): Promise<void>;
}

/** The uid/gid the restorer is asked to restore as (and the exporter would have tarred with). */
export const IDS = isRoot ? { uid: TEST_UID, gid: TEST_GID } : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

export async function restorerWorkspace(): Promise<RestorerWorkspace> {
  const { dir, cleanup } = await makeTempDir('cnb-restorer-');
  await chmod(dir, 0o755); // the restorer drops to TEST_UID and must traverse it
  const ws = { dir, layers: join(dir, 'layers'), cache: join(dir, 'cache'), group: join(dir, 'layers', 'group.toml'), analyzed: join(dir, 'layers', 'analyzed.toml'), cleanup };
  await mkdir(ws.layers, { mode: 0o755 });
  await mkdir(ws.cache, { mode: 0o755 });
  if (isRoot) await chown(ws.layers, IDS.uid, IDS.gid); // a build's <layers> belongs to the CNB user
  return ws;
}

/** group.toml with these buildpacks (api default 0.12) and, optionally, extensions. */
export async function writeGroupToml(ws: RestorerWorkspace, bps: readonly { id: string; version?: string; api?: string }[], exts: readonly string[] = []): Promise<void> {
  const el = (b: { id: string; version?: string; api?: string }, key: string) => `[[${key}]]\nid = "${b.id}"\nversion = "${b.version ?? '0.0.1'}"\napi = "${b.api ?? '0.12'}"\n`;
  await writeFile(ws.group, [...bps.map((b) => el(b, 'group')), ...exts.map((e) => el({ id: e }, 'group-extensions'))].join('\n'));
}

/** Flags of one layer record. */
export interface Flags {
  readonly build?: boolean;
  readonly launch?: boolean;
  readonly cache?: boolean;
}

/** A previous image's layer record (analyzed.toml `[metadata]`). */
export interface ImageLayer extends Flags {
  readonly sha: string;
  readonly data?: Record<string, unknown>;
}

/** The lifecycle metadata of a previous image with these buildpacks' layers and store data. */
export function imageMetadata(bps: Record<string, { layers?: Record<string, ImageLayer>; store?: Record<string, unknown> }>): LifecycleMetadata {
  return {
    ...emptyLifecycleMetadata(),
    buildpacks: Object.entries(bps).map(([key, b]) => ({
      key,
      version: '0.0.1',
      layers: Object.fromEntries(
        Object.entries(b.layers ?? {}).map(([n, l]) => [n, { sha: l.sha, data: l.data ?? {}, build: !!l.build, launch: !!l.launch, cache: !!l.cache }]),
      ),
      ...(b.store ? { store: b.store } : {}),
    })),
  };
}

/** Writes analyzed.toml with `metadata` (and optional other sections). */
export async function writeAnalyzedToml(ws: RestorerWorkspace, metadata: LifecycleMetadata, extra: Partial<Analyzed> = {}): Promise<void> {
  await writeAnalyzed(ws.analyzed, { previousImage: { reference: '' }, ...extra, metadata });
}

/** One cached layer: its files (relative to the layer dir), flags and `[metadata]`; `sha` overrides the recorded diffID. */
export interface CachedLayer extends Flags {
  readonly files?: Readonly<Record<string, string>>;
  readonly data?: Record<string, unknown>;
  readonly sha?: string;
}

/**
 * Fills `ws.cache` as the exporter would: each layer's files are written to `<layers>/<bp>/<layer>/`, tarred
 * (dirLayer: absolute names, parents, uid/gid IDS, constant mtime), added to the cache, and removed again
 * (a new build starts with an empty `<layers>`). `sbom` files (relative to `<layers>/sbom/cache/`) become the
 * cache SBOM layer. Returns the diffIDs by `<bp>:<layer>` (and `sbom`).
 */
export async function fillVolumeCache(ws: RestorerWorkspace, bps: Record<string, Record<string, CachedLayer>>, opts: FillOptions = {}): Promise<Record<string, Digest>> {
  return fillCache(ws, await VolumeCache.open(ws.cache), bps, opts);
}

/** Options of `fillCache`. */
export interface FillOptions {
  readonly sbom?: Readonly<Record<string, string>>;
  /** Rewrites the metadata before it is stored (to corrupt or re-point it). */
  readonly metadata?: (m: CacheMetadata) => CacheMetadata;
  /** Extra layers added as they are (e.g. hand-made malicious tars). */
  readonly extra?: readonly Layer[];
}

/** `fillVolumeCache` for any cache (e.g. an ImageCache in the spec registry). */
export async function fillCache(ws: RestorerWorkspace, cache: Cache, bps: Record<string, Record<string, CachedLayer>>, opts: FillOptions = {}): Promise<Record<string, Digest>> {
  const writer = new LayerWriter({ artifactsDir: join(ws.dir, 'artifacts') });
  const ids: Record<string, Digest> = {};
  const made: string[] = [];
  const md: CacheMetadata = { sbom: { sha: '' }, buildpacks: [] };
  const meta = { sbom: md.sbom as { sha: string }, buildpacks: md.buildpacks as CacheMetadata['buildpacks'][number][] };
  for (const [bp, layers] of Object.entries(bps)) {
    const bpDir = join(ws.layers, escapeId(bp));
    const recs: Record<string, CacheMetadata['buildpacks'][number]['layers'][string]> = {};
    for (const [name, l] of Object.entries(layers)) {
      let sha = l.sha ?? '';
      if (l.files) {
        const dir = join(bpDir, name);
        await writeTree(dir, l.files);
        await mkOwned(bpDir);
        const layer = await dirLayer(dir, { writer, uid: IDS.uid, gid: IDS.gid, keepTar: true });
        await cache.addLayer(layer);
        ids[`${bp}:${name}`] = await layer.diffId();
        sha = l.sha ?? ids[`${bp}:${name}`]!;
        made.push(bpDir);
      }
      recs[name] = { sha, data: l.data ?? {}, build: !!l.build, launch: !!l.launch, cache: !!l.cache };
    }
    meta.buildpacks.push({ key: bp, version: '0.0.1', layers: recs });
  }
  if (opts.sbom) {
    const dir = join(ws.layers, 'sbom', 'cache');
    await writeTree(dir, opts.sbom);
    const layer = await dirLayer(dir, { writer, uid: IDS.uid, gid: IDS.gid, keepTar: true });
    await cache.addLayer(layer);
    ids['sbom'] = await layer.diffId();
    meta.sbom.sha = ids['sbom'];
    made.push(join(ws.layers, 'sbom'));
  }
  for (const l of opts.extra ?? []) await cache.addLayer(l);
  await cache.setMetadata(opts.metadata ? opts.metadata(meta) : meta);
  await cache.commit();
  for (const d of made) await rm(d, { recursive: true, force: true });
  await rm(join(ws.dir, 'artifacts'), { recursive: true, force: true });
  return ids;
}

/** mkdir -p where every directory created is owned by IDS (as the CNB user would create it). */
async function mkOwned(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o755 });
  if (!isRoot || first === undefined) return;
  for (let d = dir; d.length >= first.length; d = dirname(d)) await chown(d, IDS.uid, IDS.gid);
}

/** Writes files (relative paths; parents 0755) under `dir`, owned by IDS when root. */
export async function writeTree(dir: string, files: Readonly<Record<string, string>>): Promise<void> {
  await mkOwned(dir);
  for (const [rel, content] of Object.entries(files)) {
    const parts = rel.split('/');
    let d = dir;
    for (const p of parts.slice(0, -1)) await mkOwned((d = join(d, p)));
    const f = join(dir, rel);
    await writeFile(f, content, { mode: 0o644 });
    if (isRoot) await chown(f, IDS.uid, IDS.gid);
  }
}

/** The committed tar file of `diffId` in the volume cache. */
export function cacheTarPath(ws: RestorerWorkspace, diffId: string): string {
  return join(ws.cache, 'committed', `${diffId}.tar`);
}

/** Runs the built restorer on the workspace (`-layers`, `-group`, `-analyzed`, `-uid`, `-gid` + `args`). */
export function runRestorer(ws: RestorerWorkspace, opts: { platformApi?: string; args?: readonly string[]; env?: Record<string, string>; cacheDir?: boolean } = {}): Promise<PhaseRun> {
  return runPhase('restorer', {
    platformApi: opts.platformApi ?? '0.15',
    args: [
      '-layers', ws.layers,
      '-group', ws.group,
      '-analyzed', ws.analyzed,
      '-uid', String(IDS.uid),
      '-gid', String(IDS.gid),
      ...(opts.cacheDir === false ? [] : ['-cache-dir', ws.cache]),
      ...(opts.args ?? []),
    ],
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/** The parsed TOML file, or undefined when it does not exist. */
export async function tomlAt(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (parseToml(text, path) as Record<string, unknown>);
}

export const exists = (p: string) => stat(p).then(() => true, () => false);

/** Every path under `dir` (relative, sorted). */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      if (e.isDirectory()) await walk(join(d, e.name), r);
    }
  };
  await walk(dir, '');
  return out.sort();
}

export type { Cache };
