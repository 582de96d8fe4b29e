import { appendLayers, editConfig, setCreated, type Addendum, type Image, type Layer } from '../../image/index.js';
import type { History } from '../../oci/index.js';
import { capabilitiesFor, type ApiVersion } from '../../platform/index.js';
import { LAUNCHER_PATH, PROCESS_DIR } from './fixed-layers.js';

/** One layer to put on the run image, in EP-12 order, with its history text (≥0.12). */
export interface ImageLayer {
  readonly layer: Layer;
  readonly createdBy: string;
}

/** What the app image config gets (EP-14..EP-22). */
export interface ComposeOptions {
  readonly api: ApiVersion;
  readonly layersDir: string;
  readonly appDir: string;
  /** `/cnb/process/<type>` or the launcher (EP-14), chosen by `entrypointFor`. */
  readonly entrypoint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly created: Date;
}

/** Sets `KEY=value` in a Docker-style env list: replaced in place when present, else appended. */
export function setEnv(env: string[], key: string, value: string): void {
  const i = env.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
}

/** EP-15, ERRATA-14 [REF]: `/cnb/process:/cnb/lifecycle:<run image PATH>`. */
export function imagePath(runPath: string | undefined): string {
  return [PROCESS_DIR, '/cnb/lifecycle', ...(runPath ? [runPath] : [])].join(':');
}

/**
 * Composes the app image from the run image (EP-04: its layers, config and labels kept) with lazy
 * decorators: appendLayers (EP-12 order is the caller's), editConfig (Env EP-15, WorkingDir EP-16,
 * Entrypoint/Cmd EP-14, labels EP-17/18/22), setCreated (EP-20). History entries ≥0.12 [REF].
 */
export function composeImage(runImage: Image, layers: readonly ImageLayer[], o: ComposeOptions): Image {
  const history = capabilitiesFor(o.api).history;
  const padded = history
    ? editConfig(runImage, (c) => {
        // [REF] history has one entry per layer: pad a run image that has fewer (or none)
        const n = c.rootfs?.diff_ids?.length ?? 0;
        const h: History[] = [...(c.history ?? [])];
        const nonEmpty = h.filter((x) => !x.empty_layer).length;
        for (let i = nonEmpty; i < n; i++) h.push({});
        c.history = h;
      })
    : runImage;
  const additions: Addendum[] = layers.map((l) => (history ? { layer: l.layer, history: { created_by: l.createdBy } } : { layer: l.layer }));
  const withLayers = appendLayers(padded, additions);
  const edited = editConfig(withLayers, (c) => {
    const cfg = { ...(c.config ?? {}) };
    const env = [...(cfg.Env ?? [])];
    const runPath = env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length);
    setEnv(env, 'CNB_LAYERS_DIR', o.layersDir);
    setEnv(env, 'CNB_APP_DIR', o.appDir);
    setEnv(env, 'CNB_PLATFORM_API', o.api.toString()); // ERRATA-14 [REF]
    setEnv(env, 'CNB_DEPRECATION_MODE', 'quiet');
    setEnv(env, 'PATH', imagePath(runPath));
    cfg.Env = env;
    cfg.WorkingDir = o.appDir;
    cfg.Entrypoint = [o.entrypoint];
    delete cfg.Cmd; // EP-14 [REF]: Cmd is empty
    cfg.Labels = { ...(cfg.Labels ?? {}), ...o.labels };
    c.config = cfg;
  });
  return setCreated(edited, o.created, { history });
}

/** EP-14: `/cnb/process/<type>` for `-process-type` or the default type, else the launcher. */
export function entrypointFor(types: readonly string[], processType: string | undefined, defaultType: string | undefined): string | { error: string } {
  if (processType) {
    if (!types.includes(processType)) return { error: `default process type '${processType}' not present in list [${types.join(' ')}]` };
    return `${PROCESS_DIR}/${processType}`;
  }
  if (defaultType && types.includes(defaultType)) return `${PROCESS_DIR}/${defaultType}`;
  return LAUNCHER_PATH;
}
