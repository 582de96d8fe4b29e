/**
 * Base, run and "previous app" images for black-box spec tests, built with our own src/ code (image core,
 * archive writer; both tested against skopeo/umoci) and written to the spec registry (spec/harness/registry.ts)
 * or to an OCI layout at the CNB layout path (FMT-25). Also reads images back for assertions.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tarChunks, readTar, type TarEntry } from '../../src/archive/index.js';
import { appendLayers, bufferLayer, editConfig, emptyImage, setCreated, type BufferLayer, type Image, type ImageStore } from '../../src/image/index.js';
import { LayoutStore, layoutPath } from '../../src/layout/index.js';
import type { ImageConfig } from '../../src/oci/index.js';
import { encodeLifecycleLabel, Labels, parseToml, type LifecycleMetadata } from '../../src/platform/index.js';
import { collect } from '../../src/stream/index.js';
import type { SpecRegistry } from './registry.js';

const EPOCH = new Date(Date.UTC(1980, 0, 1, 0, 0, 1));

/** A file to put in a layer: absolute path → content (parents are added as 0755 root dirs). */
export type LayerFiles = Readonly<Record<string, string | Uint8Array>>;

/** Tar entries (parents first, sorted) for `files`. */
export function layerEntries(files: LayerFiles, owner: { uid: number; gid: number } = { uid: 0, gid: 0 }): TarEntry[] {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(`/${parts.slice(0, i).join('/')}`);
  }
  const entries: TarEntry[] = [...dirs].map((d) => ({ path: d, type: 'directory', mode: 0o755, ...owner }));
  for (const [p, c] of Object.entries(files)) {
    entries.push({ path: p.startsWith('/') ? p : `/${p}`, type: 'file', mode: 0o644, ...owner, data: typeof c === 'string' ? Buffer.from(c) : c });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** An in-memory layer holding `files` (reproducible: our tar writer, mtime constant). */
export async function fileLayer(files: LayerFiles): Promise<BufferLayer> {
  return bufferLayer(await collect(Readable.from(tarChunks(layerEntries(files)))));
}

/** Options of `runImage`. */
export interface RunImageOptions {
  readonly os?: string;
  readonly arch?: string;
  readonly variant?: string;
  /** Labels added to (or replacing) the defaults: io.buildpacks.base.* for ubuntu 22.04 plus io.buildpacks.stack.id. `null`: no labels. */
  readonly labels?: Record<string, string> | null;
  /** Use only `labels`, without DEFAULT_RUN_LABELS. */
  readonly noDefaultLabels?: boolean;
  readonly env?: string[];
  readonly user?: string;
  /** Extra files for the single layer (besides /etc/os-release and /run-image-marker). */
  readonly files?: LayerFiles;
  /** Any text; changes the image (and so its digest) without changing anything else. */
  readonly marker?: string;
}

/** Default run image labels (targets, IMG-03; stack id for <0.12). */
export const DEFAULT_RUN_LABELS: Readonly<Record<string, string>> = {
  [Labels.baseId]: 'test.run.image',
  [Labels.baseDistroName]: 'ubuntu',
  [Labels.baseDistroVersion]: '22.04',
  [Labels.stackId]: 'io.buildpacks.stacks.test',
};

/**
 * A tiny run image: one layer with /etc/os-release and /run-image-marker, config Env PATH (IMG-02), User,
 * labels, os/arch (default linux/amd64).
 */
export async function runImage(opts: RunImageOptions = {}): Promise<Image> {
  const layer = await fileLayer({
    '/etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\n',
    '/run-image-marker': opts.marker ?? 'run',
    ...(opts.files ?? {}),
  });
  const base = emptyImage({ os: opts.os ?? 'linux', architecture: opts.arch ?? 'amd64', ...(opts.variant ? { variant: opts.variant } : {}) });
  const img = editConfig(appendLayers(base, [{ layer, history: { created_by: 'spec run image' } }]), (c) => {
    c.config = {
      ...(c.config ?? {}),
      Env: opts.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin'],
      User: opts.user ?? '2000:2000',
      Labels: opts.labels === null ? {} : { ...(opts.noDefaultLabels ? {} : DEFAULT_RUN_LABELS), ...(opts.labels ?? {}) },
    };
  });
  return setCreated(img, EPOCH);
}

/** Options of `appImage` (a "previous app image"). */
export interface AppImageOptions {
  /** The io.buildpacks.lifecycle.metadata label: an object (encoded as REF does) or raw text (to corrupt it). */
  readonly metadata?: LifecycleMetadata | string;
  /** Layers on top of the base, in order. */
  readonly layers?: readonly (BufferLayer | LayerFiles)[];
  /** Base image (default `runImage()`). */
  readonly base?: Image;
  readonly labels?: Record<string, string>;
}

/** A previous app image: `base` + `layers` with the lifecycle metadata label (LBL-LIFECYCLE). */
export async function appImage(opts: AppImageOptions = {}): Promise<Image> {
  const base = opts.base ?? (await runImage());
  const layers = await Promise.all((opts.layers ?? []).map(async (l) => (l instanceof Object && 'diffId' in l ? (l as BufferLayer) : fileLayer(l as LayerFiles))));
  const withLayers = appendLayers(base, layers.map((layer, i) => ({ layer, history: { created_by: `app layer ${i}` } })));
  return editConfig(withLayers, (c) => {
    const labels: Record<string, string> = { ...((c.config?.Labels as Record<string, string> | undefined) ?? {}), ...(opts.labels ?? {}) };
    if (opts.metadata !== undefined) {
      labels[Labels.lifecycleMetadata] = typeof opts.metadata === 'string' ? opts.metadata : encodeLifecycleLabel(opts.metadata);
    }
    c.config = { ...(c.config ?? {}), Labels: labels };
  });
}

/** An SBOM layer as the exporter writes it (LBL-02): files under `<layersDir>/sbom/launch/...` (absolute). */
export function sbomLayer(layersDir: string, files: Readonly<Record<string, string>>): Promise<BufferLayer> {
  const abs: Record<string, string> = {};
  for (const [rel, c] of Object.entries(files)) abs[`${layersDir}/sbom/launch/${rel}`.replace(/\/+/g, '/')] = c;
  return fileLayer(abs);
}

/** Where an image is stored for a test: the spec registry, or a CNB OCI layout dir (FMT-25). */
export type ImageLocation = { readonly registry: SpecRegistry } | { readonly layoutDir: string };

function storeFor(loc: ImageLocation): ImageStore & { close?(): Promise<void> } {
  return 'registry' in loc ? loc.registry.store() : new LayoutStore(loc.layoutDir);
}

/** Writes `image` under `refs` (registry push or layout write); returns the manifest digest and image ID. */
export async function putImage(loc: ImageLocation, refs: string | readonly string[], image: Image): Promise<{ digest: string; imageId: string }> {
  const store = storeFor(loc);
  const r = await store.write(image, typeof refs === 'string' ? [refs] : refs);
  return { digest: r.digest ?? (await image.digest()), imageId: r.imageId };
}

/** The layout directory of `ref` under `layoutDir` (FMT-25). */
export function layoutDirOf(layoutDir: string, ref: string): string {
  return layoutPath(layoutDir, ref);
}

/** What tests assert on an image read back. */
export interface ImageSummary {
  readonly digest: string;
  readonly imageId: string;
  readonly config: ImageConfig;
  readonly labels: Record<string, string>;
  /** diffIDs in order. */
  readonly diffIds: string[];
  /** Entry names of layer `i` (for layer content assertions). */
  layerFiles(i: number): Promise<string[]>;
}

/** Reads an image back from the registry or a layout; undefined when absent. */
export async function readImage(loc: ImageLocation, ref: string): Promise<ImageSummary | undefined> {
  const store = storeFor(loc);
  const img = await store.image(ref);
  if (!img) return undefined;
  const config = await img.config();
  const layers = await img.layers();
  return {
    digest: await img.digest(),
    imageId: await img.imageId(),
    config,
    labels: { ...((config.config?.Labels as Record<string, string> | undefined) ?? {}) },
    diffIds: [...config.rootfs.diff_ids],
    async layerFiles(i) {
      const l = layers[i];
      if (!l) throw new Error(`image ${ref} has no layer ${i}`);
      const names: string[] = [];
      for await (const e of readTar(await l.uncompressed())) {
        names.push(e.header.name);
        for await (const _ of e.body) void _;
      }
      return names;
    },
  };
}

/** Reads a TOML file the phase wrote (analyzed.toml, report.toml...) as a plain object, for exact-key assertions. */
export async function readTomlFile(file: string): Promise<Record<string, any>> {
  return parseToml(await readFile(file, 'utf8'), file) as Record<string, any>;
}
