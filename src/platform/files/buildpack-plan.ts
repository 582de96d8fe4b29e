import { Fields } from './fields.js';
import { readToml, writeToml, type TomlTable } from './toml-file.js';

/** One requirement: a Buildpack Plan entry, or a `requires` element of a plan.toml entry. */
export interface PlanRequire {
  readonly name: string;
  /** Deprecated top-level `version`; kept only when the input had it. */
  readonly version?: string;
  readonly metadata?: TomlTable;
}

/** The Buildpack Plan handed to `/bin/build` at `$CNB_BP_PLAN_PATH` (BL-05). */
export interface BuildpackPlan {
  readonly entries: readonly PlanRequire[];
}

/** Encodes one requirement in REF's key order (name, version, metadata). */
export function requireToToml(r: PlanRequire): TomlTable {
  return {
    name: r.name,
    ...(r.version ? { version: r.version } : {}),
    ...(r.metadata !== undefined ? { metadata: r.metadata } : {}),
  };
}

/** Reads one requirement table. */
export function requireFromFields(f: Fields): PlanRequire {
  const version = f.optString('version');
  const metadata = f.optRawTable('metadata');
  return { name: f.optString('name') ?? '', ...(version ? { version } : {}), ...(metadata !== undefined ? { metadata } : {}) };
}

/** Writes the Buildpack Plan (`[[entries]] name, [entries.metadata]`). */
export async function writeBuildpackPlan(file: string, plan: BuildpackPlan): Promise<void> {
  await writeToml(file, { entries: plan.entries.map(requireToToml) });
}

/** Reads a Buildpack Plan (tests, and buildpacks written in TypeScript). */
export async function readBuildpackPlan(file: string): Promise<BuildpackPlan> {
  const f = new Fields(file, await readToml(file));
  return { entries: f.tables('entries').map(requireFromFields) };
}
