import { Fields } from './fields.js';
import { parseToml } from './toml-file.js';
import { requireFromFields, type PlanRequire } from './buildpack-plan.js';

/** A `provides` entry of a Build Plan. */
export interface PlanProvide {
  readonly name: string;
}

/** One candidate plan: a `requires`/`provides` pair (FMT-05, DT-14). */
export interface PlanSections {
  readonly requires: readonly PlanRequire[];
  readonly provides: readonly PlanProvide[];
}

/** What `/bin/detect` wrote to `$CNB_BUILD_PLAN_PATH`: the top-level pair and the `[[or]]` alternatives. */
export interface DetectBuildPlan extends PlanSections {
  readonly or: readonly PlanSections[];
}

function sections(f: Fields): PlanSections {
  return {
    requires: f.tables('requires').map(requireFromFields),
    provides: f.tables('provides').map((p) => ({ name: p.optString('name') ?? '' })),
  };
}

/**
 * Parses a Build Plan (buildpack `/bin/detect` output). Invalid TOML is ERR_TOML naming the file (DT-13:
 * the caller turns it into a detect error for that element). An empty file is an empty plan.
 */
export function parseBuildPlan(text: string, file: string): DetectBuildPlan {
  const f = new Fields(file, parseToml(text, file));
  return { ...sections(f), or: f.tables('or').map(sections) };
}

/** Every candidate plan in DT-14 order: the top-level pair first, then each `[[or]]`. */
export function planCandidates(p: DetectBuildPlan): PlanSections[] {
  return [{ requires: p.requires, provides: p.provides }, ...p.or];
}
