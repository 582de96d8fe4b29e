import { LifecycleError } from '../../errors/index.js';
import { Fields } from './fields.js';
import type { TomlTable } from './toml-file.js';

/** One buildpack layer as recorded on the app image (LBL-04): its diffID, `<layer>.toml` metadata and types. */
export interface LayerRecord {
  /** diffID of the layer (uncompressed sha256). */
  readonly sha: string;
  /** The `[metadata]` table of `<layer>.toml` (JSON key `data`, TOML key `metadata`). */
  readonly data: Record<string, unknown>;
  readonly build: boolean;
  readonly launch: boolean;
  readonly cache: boolean;
}

/** One buildpack's entry (LBL-04): id (`key`), version, launch layers by name, and store.toml data. */
export interface BuildpackRecord {
  readonly key: string;
  readonly version: string;
  readonly layers: Readonly<Record<string, LayerRecord>>;
  /** store.toml `[metadata]` (RS-02); absent when the buildpack wrote none. */
  readonly store?: Record<string, unknown>;
}

/** The run image as recorded for rebase (LBL-05): top layer diffID, reference, and (≥0.12) name and mirrors. */
export interface RunImageRecord {
  readonly topLayer: string;
  readonly reference: string;
  readonly image?: string;
  readonly mirrors?: readonly string[];
}

/**
 * The `io.buildpacks.lifecycle.metadata` label (LBL-LIFECYCLE) and, in TOML form, `[metadata]` of
 * analyzed.toml (FMT-AN). Keys differ between the forms exactly as REF's struct tags say:
 * `runImage`/`run-image`, `topLayer`/`top-layer`, layer `data`/`metadata`.
 */
export interface LifecycleMetadata {
  /** diffIDs of the app slice layers, in order (LBL-01). */
  readonly app: readonly { readonly sha: string }[];
  /** diffID of the launch SBOM layer (LBL-02). */
  readonly sbom?: { readonly sha: string };
  readonly buildpacks: readonly BuildpackRecord[];
  readonly config: { readonly sha: string };
  readonly launcher: { readonly sha: string };
  readonly processTypes: { readonly sha: string };
  readonly runImage: RunImageRecord;
  /** Deprecated `stack` (LBL-06): `{runImage: {image, mirrors}}`. */
  readonly stack?: { readonly runImage: { readonly image: string; readonly mirrors?: readonly string[] } };
}

/** Metadata of an image with no lifecycle label (AN-10: a missing or corrupt label reads as empty). */
export function emptyLifecycleMetadata(): LifecycleMetadata {
  return { app: [], buildpacks: [], config: { sha: '' }, launcher: { sha: '' }, processTypes: { sha: '' }, runImage: { topLayer: '', reference: '' } };
}

const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const sha = (v: unknown) => ({ sha: str(obj(v)['sha']) });
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** Decodes either form; `form` picks the key names. Unknown keys are ignored, wrong types read as empty. */
function decode(raw: Record<string, unknown>, form: 'json' | 'toml'): LifecycleMetadata {
  const dataKey = form === 'json' ? 'data' : 'metadata';
  const ri = obj(raw[form === 'json' ? 'runImage' : 'run-image']);
  const stack = obj(raw['stack']);
  const stackRi = obj(stack[form === 'json' ? 'runImage' : 'run-image']);
  return {
    app: Array.isArray(raw['app']) ? raw['app'].map(sha) : [],
    ...(raw['sbom'] ? { sbom: sha(raw['sbom']) } : {}),
    buildpacks: (Array.isArray(raw['buildpacks']) ? raw['buildpacks'] : []).map((b) => {
      const bp = obj(b);
      const layers: Record<string, LayerRecord> = {};
      for (const [name, l] of Object.entries(obj(bp['layers']))) {
        const lr = obj(l);
        layers[name] = { sha: str(lr['sha']), data: obj(lr[dataKey]), build: lr['build'] === true, launch: lr['launch'] === true, cache: lr['cache'] === true };
      }
      const store = bp['store'] === undefined ? undefined : obj(obj(bp['store'])['metadata']);
      return { key: str(bp['key']), version: str(bp['version']), layers, ...(store ? { store } : {}) };
    }),
    config: sha(raw['config']),
    launcher: sha(raw['launcher']),
    processTypes: sha(raw['process-types']),
    runImage: {
      topLayer: str(ri[form === 'json' ? 'topLayer' : 'top-layer']),
      reference: str(ri['reference']),
      ...(ri['image'] ? { image: str(ri['image']) } : {}),
      ...(strs(ri['mirrors'])?.length ? { mirrors: strs(ri['mirrors']) } : {}),
    },
    ...(stackRi['image'] !== undefined ? { stack: { runImage: { image: str(stackRi['image']), ...(strs(stackRi['mirrors'])?.length ? { mirrors: strs(stackRi['mirrors']) } : {}) } } } : {}),
  };
}

/** Encodes to either form with REF's key order (Go struct field order). */
function encode(m: LifecycleMetadata, form: 'json' | 'toml'): Record<string, unknown> {
  const dataKey = form === 'json' ? 'data' : 'metadata';
  const riKey = form === 'json' ? 'runImage' : 'run-image';
  return {
    app: m.app.map((a) => ({ sha: a.sha })),
    ...(m.sbom ? { sbom: { sha: m.sbom.sha } } : {}),
    buildpacks: m.buildpacks.map((b) => ({
      key: b.key,
      version: b.version,
      layers: Object.fromEntries(
        Object.entries(b.layers).map(([n, l]) => [n, { sha: l.sha, [dataKey]: l.data, build: l.build, launch: l.launch, cache: l.cache }]),
      ),
      ...(b.store ? { store: { metadata: b.store } } : {}),
    })),
    config: { sha: m.config.sha },
    launcher: { sha: m.launcher.sha },
    'process-types': { sha: m.processTypes.sha },
    [riKey]: {
      [form === 'json' ? 'topLayer' : 'top-layer']: m.runImage.topLayer,
      reference: m.runImage.reference,
      ...(m.runImage.image ? { image: m.runImage.image } : {}),
      ...(m.runImage.mirrors?.length ? { mirrors: [...m.runImage.mirrors] } : {}),
    },
    ...(m.stack
      ? { stack: { [riKey]: { image: m.stack.runImage.image, ...(m.stack.runImage.mirrors?.length ? { mirrors: [...m.stack.runImage.mirrors] } : {}) } } }
      : {}),
  };
}

/** LBL-LIFECYCLE: the label value (JSON text). */
export function encodeLifecycleLabel(m: LifecycleMetadata): string {
  return JSON.stringify(encode(m, 'json'));
}

/** Parses the label value; throws ERR_IMAGE on invalid JSON (callers may treat that as empty, AN-10). */
export function decodeLifecycleLabel(text: string, image: string): LifecycleMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LifecycleError('ERR_IMAGE', `${image}: label io.buildpacks.lifecycle.metadata is not valid JSON: ${(e as Error).message}`);
  }
  return decode(obj(raw), 'json');
}

/** The TOML form (analyzed.toml `[metadata]`). */
export function lifecycleMetadataToToml(m: LifecycleMetadata): Record<string, unknown> {
  return encode(m, 'toml');
}

/** Reads the TOML form. */
export function lifecycleMetadataFromToml(f: Fields | TomlTable | undefined): LifecycleMetadata {
  if (!f) return emptyLifecycleMetadata();
  return decode(f instanceof Fields ? f.table : f, 'toml');
}
