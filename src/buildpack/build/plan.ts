import { LifecycleError } from '../../errors/index.js';
import type { BuildpackPlan, PlanRequire } from '../../platform/index.js';

/** The parts of a plan.toml entry (FMT-PLAN) the builder needs. */
export interface PlanEntryLike {
  readonly providers: readonly { readonly id: string; readonly extension?: boolean }[];
  readonly requires: readonly PlanRequire[];
}

/** The parts of plan.toml the builder needs; any plan.toml reader's result fits. */
export interface PlanLike {
  readonly entries: readonly PlanEntryLike[];
}

/**
 * BL-05: the Buildpack Plan of buildpack `id`: all requires of every remaining plan entry that `id`
 * provided (as a buildpack, not an extension), in plan order.
 */
export function buildpackPlanFor(plan: PlanLike, id: string, extension = false): BuildpackPlan {
  const entries: PlanRequire[] = [];
  for (const e of plan.entries) {
    if (e.providers.some((p) => p.id === id && (p.extension ?? false) === extension)) entries.push(...e.requires);
  }
  return { entries };
}

/**
 * BL-06 [REF]: every `[[unmet]]` name must be non-empty and match an entry of the buildpack's plan;
 * otherwise ERR_BUILD (exit 52) naming the buildpack and the file.
 */
export function validateUnmet(unmet: readonly { name: string }[], bpPlan: BuildpackPlan, who: string, file: string): void {
  for (const u of unmet) {
    if (u.name === '') throw new LifecycleError('ERR_BUILD', `${who}: ${file}: unmet.name is required`);
    if (!bpPlan.entries.some((e) => e.name === u.name)) {
      throw new LifecycleError('ERR_BUILD', `${who}: ${file}: unmet.name '${u.name}' must match a requested dependency`);
    }
  }
}

/** BL-06: names the buildpack met: every plan entry name not listed in `[[unmet]]` (met by default). */
export function metNames(bpPlan: BuildpackPlan, unmet: readonly { name: string }[]): string[] {
  const un = new Set(unmet.map((u) => u.name));
  return [...new Set(bpPlan.entries.map((e) => e.name).filter((n) => !un.has(n)))];
}

/**
 * BL-06: removes every plan entry that has a require with a met name, so no later buildpack is offered
 * it. Unmet entries stay and reach the next buildpack that provided the name.
 */
export function removeMet<P extends PlanLike>(plan: P, met: readonly string[]): PlanLike {
  if (met.length === 0) return plan;
  const m = new Set(met);
  return { entries: plan.entries.filter((e) => !e.requires.some((r) => m.has(r.name))) };
}
