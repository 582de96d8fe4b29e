import { Fields } from './fields.js';
import { readTomlIfExists } from './toml-file.js';

/** project-metadata.toml (FMT-PROJECT): every field optional; the label is this file as JSON (FMT-10). */
export interface ProjectMetadata {
  readonly source?: {
    readonly type?: string;
    readonly version?: Record<string, unknown>;
    readonly metadata?: Record<string, unknown>;
  };
}

/** Reads project-metadata.toml; [REF] a missing file gives `{}`. */
export async function readProjectMetadata(file: string): Promise<ProjectMetadata> {
  const raw = await readTomlIfExists(file);
  if (!raw) return {};
  const src = new Fields(file, raw).optTable('source');
  if (!src) return {};
  const type = src.optString('type');
  const version = src.optRawTable('version');
  const metadata = src.optRawTable('metadata');
  return { source: { ...(type ? { type } : {}), ...(version ? { version } : {}), ...(metadata ? { metadata } : {}) } };
}

/** LBL-PROJECT: the label value. */
export function encodeProjectLabel(p: ProjectMetadata): string {
  return JSON.stringify(p);
}
