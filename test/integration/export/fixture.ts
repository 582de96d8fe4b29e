/**
 * Export workspaces for the exporter's integration and spec tests: a `<layers>` dir with group.toml,
 * buildpack layers, config/metadata.toml and analyzed.toml (written as the analyzer would), an `<app>` dir,
 * a cache dir and a launcher file. Run images are pushed with spec/harness `putImage`.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageStore } from '../../../src/image/index.js';
import {
  decodeLifecycleLabel,
  emptyLifecycleMetadata,
  Labels,
  writeAnalyzed,
  writeBuildMetadata,
  writeGroup,
  ApiVersion,
  type BuildMetadata,
  type GroupElement,
  type LifecycleMetadata,
} from '../../../src/platform/index.js';
import { openRecorded, type ExportInputs } from '../../../src/phase/index.js';
import { makeTempDir } from '../../../spec/harness/index.js';

/** The directories and files of one export. */
export interface ExportWorkspace {
  readonly root: string;
  readonly layersDir: string;
  readonly appDir: string;
  readonly cacheDir: string;
  readonly layoutDir: string;
  readonly launcherPath: string;
  readonly analyzedPath: string;
  readonly groupPath: string;
  readonly reportPath: string;
  cleanup(): Promise<void>;
}

/** A fresh workspace with an app (two files) and a fake launcher binary. */
export async function makeExportWorkspace(): Promise<ExportWorkspace> {
  const { dir, cleanup } = await makeTempDir('cnb-export-');
  const ws = {
    root: dir,
    layersDir: join(dir, 'layers'),
    appDir: join(dir, 'workspace'),
    cacheDir: join(dir, 'cache'),
    layoutDir: join(dir, 'layout-repo'),
    launcherPath: join(dir, 'launcher'),
    analyzedPath: join(dir, 'layers', 'analyzed.toml'),
    groupPath: join(dir, 'layers', 'group.toml'),
    reportPath: join(dir, 'layers', 'report.toml'),
    cleanup,
  };
  await chmod(dir, 0o755); // phases may drop to -uid/-gid (GEN-12)
  for (const d of [ws.layersDir, ws.appDir, ws.cacheDir, join(ws.layersDir, 'config')]) await mkdir(d, { recursive: true });
  await writeFile(join(ws.appDir, 'index.js'), 'console.log("hi")\n');
  await mkdir(join(ws.appDir, 'static'), { recursive: true });
  await writeFile(join(ws.appDir, 'static', 'style.css'), 'body{}\n');
  await writeFile(ws.launcherPath, Buffer.from('#!/bin/sh\necho launcher\n'), { mode: 0o755 });
  return ws;
}

/** Options of one buildpack layer. */
export interface LayerOptions {
  readonly launch?: boolean;
  readonly cache?: boolean;
  readonly build?: boolean;
  readonly metadata?: Record<string, unknown>;
  /** Files relative to the layer dir; `null` writes no directory (LY-07 reuse). */
  readonly files?: Readonly<Record<string, string>> | null;
}

function tomlScalar(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Writes `<layers>/<bp>/<name>.toml` and (unless `files: null`) the layer directory. */
export async function writeLayer(ws: ExportWorkspace, bpId: string, name: string, o: LayerOptions = {}): Promise<string> {
  const bpDir = join(ws.layersDir, bpId.replaceAll('/', '_'));
  await mkdir(bpDir, { recursive: true });
  const md = Object.entries(o.metadata ?? {}).map(([k, v]) => `${k} = ${tomlScalar(v)}\n`).join('');
  await writeFile(join(bpDir, `${name}.toml`), `[types]\nlaunch = ${o.launch ?? false}\nbuild = ${o.build ?? false}\ncache = ${o.cache ?? false}\n\n[metadata]\n${md}`);
  const dir = join(bpDir, name);
  if (o.files !== null) {
    await mkdir(dir, { recursive: true });
    for (const [rel, content] of Object.entries(o.files ?? { 'file.txt': `${bpId}:${name}\n` })) {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), content);
    }
  }
  return dir;
}

/** Writes group.toml (buildpack API 0.10 unless given). */
export async function writeExportGroup(ws: ExportWorkspace, bps: readonly (Partial<GroupElement> & { id: string })[]): Promise<void> {
  await writeGroup(ws.groupPath, { group: bps.map((b) => ({ version: '1.0.0', api: '0.10', ...b })), groupExtensions: [] });
}

/** Writes `<layers>/config/metadata.toml` for `api` (processes default: web, default web). */
export async function writeExportMetadata(ws: ExportWorkspace, md: Partial<BuildMetadata> = {}, api = '0.15'): Promise<void> {
  const full: BuildMetadata = {
    buildpacks: [{ id: 'acme/node', version: '1.0.0', api: '0.10' }],
    extensions: [],
    labels: [],
    processes: [
      { type: 'web', command: ['node', 'index.js'], args: [], direct: true, buildpackId: 'acme/node' },
      { type: 'worker', command: ['node', 'worker.js'], args: ['--x'], direct: true, buildpackId: 'acme/node' },
    ],
    slices: [],
    bom: [],
    buildpackDefaultProcessType: 'web',
    ...md,
  };
  await writeBuildMetadata(join(ws.layersDir, 'config', 'metadata.toml'), full, ApiVersion.parse(api));
}

/** The previous image as the analyzer records it: reference (as given) and its lifecycle label. */
export async function previousOf(store: ImageStore, reference: string): Promise<{ reference: string; metadata: LifecycleMetadata }> {
  const img = await openRecorded(store, reference);
  if (!img) return { reference: '', metadata: emptyLifecycleMetadata() };
  const label = (await img.config()).config?.Labels?.[Labels.lifecycleMetadata];
  return { reference, metadata: label ? decodeLifecycleLabel(label, reference) : emptyLifecycleMetadata() };
}

/** Writes analyzed.toml: run image reference (+ name), previous image reference and metadata. */
export async function writeExportAnalyzed(
  ws: ExportWorkspace,
  o: { runRef: string; runImage?: string; previous?: { reference: string; metadata: LifecycleMetadata } },
): Promise<void> {
  await writeAnalyzed(ws.analyzedPath, {
    previousImage: { reference: o.previous?.reference ?? '' },
    metadata: o.previous?.metadata ?? emptyLifecycleMetadata(),
    runImage: { reference: o.runRef, ...(o.runImage ? { image: o.runImage } : {}) },
  });
}

/** The usual exporter flags for this workspace. */
export function exporterFlags(ws: ExportWorkspace, extra: readonly string[] = []): string[] {
  return ['-layers', ws.layersDir, '-app', ws.appDir, '-launcher', ws.launcherPath, ...extra];
}

/** A standard build: one buildpack `acme/node` with a launch+cache layer `deps` and a launch layer `tools`. */
export async function standardBuild(ws: ExportWorkspace, api = '0.15'): Promise<void> {
  await writeExportGroup(ws, [{ id: 'acme/node' }]);
  await writeLayer(ws, 'acme/node', 'deps', { launch: true, cache: true, metadata: { version: '1' } });
  await writeLayer(ws, 'acme/node', 'tools', { launch: true });
  await writeExportMetadata(ws, {}, api);
}

/** Exporter service inputs for this workspace at Platform API 0.15 (no run.toml). */
export function serviceInputs(ws: ExportWorkspace, images: readonly string[], extra: Partial<ExportInputs> = {}): ExportInputs {
  return {
    platformApi: ApiVersion.parse('0.15'),
    images,
    layersDir: ws.layersDir,
    appDir: ws.appDir,
    analyzedPath: ws.analyzedPath,
    groupPath: ws.groupPath,
    projectMetadataPath: join(ws.layersDir, 'project-metadata.toml'),
    reportPath: ws.reportPath,
    launcherPath: ws.launcherPath,
    uid: 1000,
    gid: 1000,
    parallel: false,
    created: new Date(Date.UTC(1980, 0, 1, 0, 0, 1)),
    launcher: { version: 'test', source: { git: { repository: 'test', commit: '' } } },
    ...extra,
  };
}
