import { LifecycleError } from '../errors/index.js';
import { goJson, goString, goStruct } from './go-json.js';

/** [REF] The cache metadata file name (volume cache) and label key (cache image) (FMT-26, FMT-27). */
export const CACHE_METADATA_LABEL = 'io.buildpacks.lifecycle.cache.metadata';

/** One cached layer's record (FMT-28): `sha` is the layer's diffID (uncompressed tar digest). */
export interface CacheLayerMetadata {
  /** diffID of the layer tar, `sha256:<hex>`; empty when unknown. */
  readonly sha: string;
  /** The `[metadata]` table of `<layer>.toml`. */
  readonly data: unknown;
  readonly build: boolean;
  readonly launch: boolean;
  readonly cache: boolean;
}

/** One buildpack's cached layers (FMT-28). `store` is never written by REF into the cache but is accepted. */
export interface CacheBuildpackMetadata {
  readonly key: string;
  readonly version: string;
  readonly layers: Readonly<Record<string, CacheLayerMetadata>>;
  readonly store?: unknown;
}

/** The cache metadata JSON (FMT-28). `sbom.sha` is the diffID of the cache SBOM layer (LY-15). */
export interface CacheMetadata {
  readonly sbom: { readonly sha: string };
  readonly buildpacks: readonly CacheBuildpackMetadata[];
}

/** Metadata of an empty cache. */
export function emptyCacheMetadata(): CacheMetadata {
  return { sbom: { sha: '' }, buildpacks: [] };
}

function bad(what: string, msg: string): never {
  throw new LifecycleError('ERR_CACHE', `${what}: ${msg}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown, what: string, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') bad(what, `${field} is not a string`);
  return v;
}

function bool(v: unknown, what: string, field: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') bad(what, `${field} is not a boolean`);
  return v;
}

function parseLayer(v: unknown, what: string, field: string): CacheLayerMetadata {
  if (!isObject(v)) bad(what, `${field} is not an object`);
  return {
    sha: str(v['sha'], what, `${field}.sha`),
    data: v['data'] ?? null,
    build: bool(v['build'], what, `${field}.build`),
    launch: bool(v['launch'], what, `${field}.launch`),
    cache: bool(v['cache'], what, `${field}.cache`),
  };
}

function parseBuildpack(v: unknown, what: string, i: number): CacheBuildpackMetadata {
  const f = `buildpacks[${i}]`;
  if (!isObject(v)) bad(what, `${f} is not an object`);
  const layersIn = v['layers'] ?? {};
  if (!isObject(layersIn)) bad(what, `${f}.layers is not an object`);
  const layers: Record<string, CacheLayerMetadata> = {};
  for (const [name, l] of Object.entries(layersIn)) layers[name] = parseLayer(l, what, `${f}.layers.${name}`);
  const out = { key: str(v['key'], what, `${f}.key`), version: str(v['version'], what, `${f}.version`), layers };
  return v['store'] === undefined || v['store'] === null ? out : { ...out, store: v['store'] };
}

/**
 * Parses cache metadata JSON (FMT-28). Missing fields take Go's zero values, as REF's decoder does; a value
 * of the wrong type or text that is not JSON throws ERR_CACHE naming `what` (callers treat that as an empty,
 * corrupt cache and warn; they never fail a build on it).
 */
export function parseCacheMetadata(text: string, what: string): CacheMetadata {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    bad(what, `not JSON (${(e as Error).message})`);
  }
  if (v === null) return emptyCacheMetadata();
  if (!isObject(v)) bad(what, 'not a JSON object');
  const sbomIn = v['sbom'] ?? {};
  if (!isObject(sbomIn)) bad(what, 'sbom is not an object');
  const bpsIn = v['buildpacks'] ?? [];
  if (!Array.isArray(bpsIn)) bad(what, 'buildpacks is not an array');
  return { sbom: { sha: str(sbomIn['sha'], what, 'sbom.sha') }, buildpacks: bpsIn.map((b, i) => parseBuildpack(b, what, i)) };
}

function encodeLayer(l: CacheLayerMetadata): string {
  return goStruct([
    ['sha', goString(l.sha)],
    ['data', goJson(l.data)],
    ['build', goJson(l.build)],
    ['launch', goJson(l.launch)],
    ['cache', goJson(l.cache)],
  ]);
}

function encodeBuildpack(b: CacheBuildpackMetadata): string {
  const names = Object.keys(b.layers).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  const layers = `{${names.map((n) => `${goString(n)}:${encodeLayer(b.layers[n] as CacheLayerMetadata)}`).join(',')}}`;
  return goStruct([
    ['key', goString(b.key)],
    ['version', goString(b.version)],
    ['layers', layers],
    ['store', b.store === undefined || b.store === null ? undefined : goJson(b.store)],
  ]);
}

/**
 * Encodes cache metadata exactly as REF's `json.Marshal(platform.CacheMetadata)` does (field order, sorted
 * layer names, Go escaping). No trailing newline: this is the cache-image label value (FMT-27); the volume
 * cache file adds the newline of Go's `json.Encoder` (FMT-26).
 */
export function encodeCacheMetadata(m: CacheMetadata): string {
  return goStruct([
    ['sbom', goStruct([['sha', goString(m.sbom.sha)]])],
    ['buildpacks', `[${m.buildpacks.map(encodeBuildpack).join(',')}]`],
  ]);
}

/** The diffIDs (`sha` values, non-empty) a metadata document references, SBOM layer included. */
export function referencedDiffIds(m: CacheMetadata): string[] {
  const out = new Set<string>();
  if (m.sbom.sha !== '') out.add(m.sbom.sha);
  for (const bp of m.buildpacks) for (const l of Object.values(bp.layers)) if (l.sha !== '') out.add(l.sha);
  return [...out];
}
