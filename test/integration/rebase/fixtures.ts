/**
 * Rebase scenarios shared by the rebaser spec tests (spec/rebaser*.spec.ts) and the integration tests here:
 * an "old" and a "new" run image, and an app image built on the old one with a lifecycle metadata label as
 * the exporter writes it (LBL-LIFECYCLE), all made with spec/harness/images.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appImage, fileLayer, putImage, runImage, type LayerFiles, type RunImageOptions, type SpecRegistry } from '../../../spec/harness/index.js';
import { editConfig, type BufferLayer, type Image } from '../../../src/image/index.js';
import { parseToml, type LifecycleMetadata } from '../../../src/platform/index.js';

/** The run image's top layer diffID (what `runImage.topLayer` records). */
export async function topLayerOf(image: Image): Promise<string> {
  const ids = (await image.config()).rootfs.diff_ids;
  const top = ids[ids.length - 1];
  if (!top) throw new Error('run image has no layers');
  return top;
}

/** `image` with `CNB_PLATFORM_API=<api>` in its Env, as the exporter writes it (ERRATA-14); unchanged for undefined. */
export function withPlatformApiEnv(image: Image, api: string | undefined): Image {
  if (api === undefined) return image;
  return editConfig(image, (c) => {
    const env = [...(c.config?.Env ?? []).filter((e) => !e.startsWith('CNB_PLATFORM_API=')), `CNB_PLATFORM_API=${api}`];
    c.config = { ...(c.config ?? {}), Env: env };
  });
}

/** Options of `makeApp`. */
export interface AppOptions {
  /** The run image the app was built on. */
  readonly base: Image;
  /** Platform API the app was built with (CNB_PLATFORM_API in its Env); undefined leaves it out (RB-10). */
  readonly builtWith?: string | undefined;
  /** `runImage.image` / `mirrors` (≥0.12 labels). */
  readonly runImage?: { image: string; mirrors?: string[] };
  /** `stack.runImage` (deprecated key; [REF] still written). */
  readonly stack?: { image: string; mirrors?: string[] };
  /** `runImage.reference` of the old run image. */
  readonly reference?: string;
  /** Overrides `runImage.topLayer` (default: the base's top layer). */
  readonly topLayer?: string;
  /** App layers (default two small ones). */
  readonly layers?: readonly (BufferLayer | LayerFiles)[];
  /** Extra labels on the app image (e.g. io.buildpacks.rebasable). */
  readonly labels?: Record<string, string>;
  /** Replace the label by raw text, or leave it out (`null`). */
  readonly rawLabel?: string | null;
}

/** An app image on `base` with a lifecycle label whose `runImage.topLayer` is the base's top layer. */
export async function makeApp(o: AppOptions): Promise<{ image: Image; metadata: LifecycleMetadata; layers: BufferLayer[] }> {
  const layers = await Promise.all(
    (o.layers ?? [{ '/layers/acme_bp/web/bin/web': 'web v1' }, { '/workspace/app.txt': 'app source' }]).map(async (l) =>
      'diffId' in l && typeof (l as BufferLayer).diffId === 'function' ? (l as BufferLayer) : fileLayer(l as LayerFiles),
    ),
  );
  const topLayer = o.topLayer ?? (await topLayerOf(o.base));
  const metadata: LifecycleMetadata = {
    app: [{ sha: await layers[layers.length - 1]!.diffId() }],
    buildpacks: [{ key: 'acme/bp', version: '1.0.0', layers: { web: { sha: await layers[0]!.diffId(), data: { v: 1 }, build: false, launch: true, cache: false } } }],
    config: { sha: '' },
    launcher: { sha: '' },
    processTypes: { sha: '' },
    runImage: {
      topLayer,
      reference: o.reference ?? 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
      ...(o.runImage ? { image: o.runImage.image, ...(o.runImage.mirrors?.length ? { mirrors: o.runImage.mirrors } : {}) } : {}),
    },
    ...(o.stack ? { stack: { runImage: { image: o.stack.image, ...(o.stack.mirrors?.length ? { mirrors: o.stack.mirrors } : {}) } } } : {}),
  };
  const image = await appImage({
    base: withPlatformApiEnv(o.base, o.builtWith),
    layers,
    ...(o.rawLabel === null ? {} : { metadata: o.rawLabel ?? metadata }),
    ...(o.labels ? { labels: o.labels } : {}),
  });
  return { image, metadata, layers };
}

/** Two versions of a run image: same labels, different content (so different top layers and digests). */
export async function runImagePair(opts: RunImageOptions = {}, newOpts: RunImageOptions = {}): Promise<{ oldRun: Image; newRun: Image }> {
  return { oldRun: await runImage({ marker: 'run v1', ...opts }), newRun: await runImage({ marker: 'run v2', ...opts, ...newOpts }) };
}

/** report.toml as a plain object. */
export async function readReportFile(path: string): Promise<{ image: { tags?: string[]; digest?: string; 'image-id'?: string; 'manifest-size'?: number } }> {
  return parseToml(await readFile(path, 'utf8'), path) as never;
}

/** The default report path under a layers dir. */
export const reportIn = (layersDir: string) => join(layersDir, 'report.toml');

/** The decoded lifecycle label of an image summary's labels. */
export function lifecycleLabel(labels: Record<string, string>): Record<string, unknown> & { runImage: Record<string, unknown>; stack?: { runImage: Record<string, unknown> } } {
  const raw = labels['io.buildpacks.lifecycle.metadata'];
  if (!raw) throw new Error('no io.buildpacks.lifecycle.metadata label');
  return JSON.parse(raw) as never;
}

/** A rebase scenario pushed to a registry: old run image → app → new run image under the same run tag. */
export interface Scenario {
  readonly appRef: string;
  readonly runRef: string;
  readonly oldRun: Image;
  readonly newRun: Image;
  readonly app: Image;
  readonly appLayerIds: string[];
}

/** Options of `pushScenario`. */
export interface ScenarioOptions extends Partial<AppOptions> {
  readonly oldRun?: Image;
  readonly newRun?: Image;
}

/**
 * Pushes `oldRun` to `<repo>/run:latest`, an app built on it to `<repo>/app:latest` (label naming the run
 * repo in `runImage` and `stack`, reference = the old digest), then `newRun` to `<repo>/run:latest`.
 */
export async function pushScenario(reg: SpecRegistry, repo: string, o: ScenarioOptions = {}): Promise<Scenario> {
  const runRef = reg.ref(`${repo}/run`);
  const pair = await runImagePair();
  const oldRun = o.oldRun ?? pair.oldRun;
  const newRun = o.newRun ?? pair.newRun;
  const old = await putImage({ registry: reg }, runRef, oldRun);
  const { image: app, layers } = await makeApp({
    runImage: { image: runRef },
    stack: { image: runRef },
    reference: `${runRef.replace(/:latest$/, '')}@${old.digest}`,
    ...o,
    base: oldRun,
  });
  const appRef = reg.ref(`${repo}/app`);
  await putImage({ registry: reg }, appRef, app);
  await putImage({ registry: reg }, runRef, newRun);
  return { appRef, runRef, oldRun, newRun, app, appLayerIds: await Promise.all(layers.map((l) => l.diffId())) };
}
