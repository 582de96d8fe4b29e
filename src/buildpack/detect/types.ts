import type { DetectBuildPlan, ModuleRef } from '../../platform/index.js';

/** A group element that was considered in a group (REF "done" list): the order ref plus its api/homepage. */
export interface DoneElement extends ModuleRef {
  readonly api: string;
  readonly homepage?: string;
}

/**
 * The outcome of one `/bin/detect` (DT-08): exit code 0 pass, 100 fail, anything else error; -1 is a
 * lifecycle-side error (not executable, bad plan TOML, DT-19/DT-20, target mismatch), with `error` set.
 */
export interface DetectOutcome {
  readonly code: number;
  /** The captured stdout and stderr of the run. */
  readonly output: string;
  readonly error?: string;
  /** The parsed Build Plan (only for code 0). */
  readonly plan?: DetectBuildPlan;
}

/** `id@version`, as REF prints a group element. */
export function elString(e: { readonly id: string; readonly version: string }): string {
  return `${e.id}@${e.version}`;
}

/** The key of a detect run: one run per kind and id@version across all groups ([REF]). */
export function runKey(e: { readonly id: string; readonly version: string; readonly extension?: boolean }): string {
  return `${e.extension ? 'extension' : 'buildpack'} ${elString(e)}`;
}
