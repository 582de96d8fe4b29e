import { Fields } from './fields.js';
import { readToml, writeToml } from './toml-file.js';
import { requireFromFields, requireToToml, type PlanRequire } from './buildpack-plan.js';

/** A provider of a plan entry: the buildpack or extension that provided the dependency. */
export interface PlanProvider {
  readonly id: string;
  readonly version: string;
  /** True for an image extension (written only when true). */
  readonly extension?: boolean;
}

/** One `[[entries]]` of plan.toml: one dependency name, its providers and requires (FMT-PLAN, DT-21). */
export interface PlanEntry {
  readonly providers: readonly PlanProvider[];
  readonly requires: readonly PlanRequire[];
}

/** plan.toml (FMT-PLAN): written by the detector, read by the builder. `entries` may be empty (FMT-04). */
export interface Plan {
  readonly entries: readonly PlanEntry[];
}

/** Parses plan.toml contents read from `file`. */
export function parsePlan(file: string, table: Record<string, unknown>): Plan {
  const f = new Fields(file, table);
  return {
    entries: f.tables('entries').map((e) => ({
      providers: e.tables('providers').map((p) => ({
        id: p.string('id'),
        version: p.optString('version') ?? '',
        ...(p.optBool('extension') ? { extension: true } : {}),
      })),
      requires: e.tables('requires').map(requireFromFields),
    })),
  };
}

/** Reads plan.toml; ERR_IO when missing, ERR_TOML naming file and field when malformed. */
export async function readPlan(file: string): Promise<Plan> {
  return parsePlan(file, await readToml(file));
}

/** Encodes plan.toml in REF's key order: providers (id, version, extension) then requires (name, metadata). */
export function planToToml(plan: Plan): Record<string, unknown> {
  return {
    entries: plan.entries.map((e) => ({
      providers: e.providers.map((p) => ({ id: p.id, version: p.version, ...(p.extension ? { extension: true } : {}) })),
      requires: e.requires.map(requireToToml),
    })),
  };
}

/** Writes plan.toml atomically. */
export async function writePlan(file: string, plan: Plan): Promise<void> {
  await writeToml(file, planToToml(plan));
}
