import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../../errors/index.js';
import { appendLayers, editConfig, type Addendum, type Image } from '../../image/index.js';
import { layoutImage, OciLayout } from '../../layout/index.js';
import { isManifestType, type History } from '../../oci/index.js';

/** The extended run image found under `<extended>/run` (XT-08): its sparse layout and the image in it. */
export interface ExtendedRun {
  /** `<extended>/run/sha256:<hex>`. */
  readonly dir: string;
  readonly layout: OciLayout;
  readonly image: Image;
}

const fail = (msg: string) => new LifecycleError('ERR_EXPORT', msg);

/**
 * EP-04: opens the extended run image the extender wrote, [REF] `FromLayoutPath`: `<extended>/run` must hold
 * exactly one directory (an OCI layout, `sha256:<manifest hex>`) whose index lists exactly one image manifest.
 * Also accepted when reading: `<extended>/run` being that layout itself. Undefined when `<extended>/run` is
 * missing or empty (the run image was not extended after all).
 */
export async function openExtendedRun(runDir: string): Promise<ExtendedRun | undefined> {
  const direct = await OciLayout.open(runDir);
  if (direct) return inLayout(runDir, direct);
  const entries = await readdir(runDir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw fail(`read extended run image directory ${runDir}: ${e.message}`);
  });
  if (!entries || entries.length === 0) return undefined;
  if (entries.length > 1) throw fail(`expected directory ${runDir} to have only 1 item; found ${entries.length}`);
  const entry = entries[0]!;
  const dir = join(runDir, entry.name);
  if (!entry.isDirectory()) throw fail(`expected ${dir} to be a directory`);
  const layout = await OciLayout.open(dir);
  if (!layout) throw fail(`extended run image ${dir} is not an OCI layout (no oci-layout file)`);
  return inLayout(dir, layout);
}

async function inLayout(dir: string, layout: OciLayout): Promise<ExtendedRun> {
  const index = await layout.readIndex();
  const desc = index.manifests[0];
  if (index.manifests.length !== 1 || !desc || !isManifestType(desc.mediaType)) {
    throw fail(`extended run image ${dir}: expected an index with exactly one image manifest, found ${index.manifests.length} entries`);
  }
  return { dir, layout, image: layoutImage(layout, desc) };
}

/**
 * EP-04 / EP-12: the base of an app image whose run image was extended. The run image's layers (never
 * downloaded: they stay the run image's lazy layers, so a registry mounts or skips them and a daemon keeps
 * them), then the extension layers from the sparse layout with their history entries, under the run image's
 * config with the extended image's runtime `config` section (Env, User, Labels incl. `io.buildpacks.rebasable`
 * (ERRATA-07: inherited, never forced), WorkingDir, ...), as [REF] bases the app image `WithConfig` on it.
 * The extended image's bottom diffIDs must be the run image's (else ERR_EXPORT); every extension layer blob
 * must be in the layout. `history` (≥0.12) pads the run image's history to one entry per layer first.
 */
export async function extendedBase(run: Image, ext: ExtendedRun, runReference: string, history: boolean): Promise<Image> {
  const [runCfg, extCfg, extManifest] = await Promise.all([run.config(), ext.image.config(), ext.image.manifest()]);
  const runIds = runCfg.rootfs.diff_ids;
  const extIds = extCfg.rootfs.diff_ids;
  if (extIds.length < runIds.length || runIds.some((d, i) => extIds[i] !== d)) {
    throw fail(`extended run image ${ext.dir} is not based on run image ${runReference} (its bottom layers differ)`);
  }
  if (extManifest.layers.length !== extIds.length) throw fail(`extended run image ${ext.dir}: ${extManifest.layers.length} manifest layers but ${extIds.length} diff_ids`);
  const added = extManifest.layers.slice(runIds.length);
  for (const d of added) {
    if (!(await ext.layout.hasBlob(d))) throw fail(`extended run image ${ext.dir}: extension layer ${d.digest} is missing from the layout`);
  }
  const layers = (await ext.image.layers()).slice(runIds.length);
  const extHistory: History[] = (extCfg.history ?? []).filter((h) => !h.empty_layer);
  const addedHistory = extHistory.length === extIds.length ? extHistory.slice(runIds.length) : added.map(() => ({}));
  const base = editConfig(run, (c) => {
    if (extCfg.config !== undefined) c.config = structuredClone(extCfg.config);
    else delete c.config;
    if (history) {
      const h: History[] = [...(c.history ?? [])];
      for (let n = h.filter((x) => !x.empty_layer).length; n < runIds.length; n++) h.push({});
      c.history = h;
    }
  });
  const additions: Addendum[] = layers.map((layer, i) => (history ? { layer, history: stripCreated(addedHistory[i] ?? {}) } : { layer }));
  return appendLayers(base, additions);
}

/** A history entry without `created` (the exporter sets every entry's `created`, EP-20). */
function stripCreated(h: History): History {
  const { created: _created, ...rest } = h;
  return rest;
}
