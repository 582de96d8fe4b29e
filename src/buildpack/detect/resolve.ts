import { planCandidates, type Plan, type PlanEntry, type PlanRequire, type PlanSections } from '../../platform/index.js';
import type { DetectLog } from './detect-log.js';
import { elString, type DetectOutcome, type DoneElement } from './types.js';

/** The result of resolving one group: pass (with the participating elements and plan), fail or error. */
export type GroupResolution =
  | { readonly kind: 'pass'; readonly elements: readonly DoneElement[]; readonly plan: Plan }
  | { readonly kind: 'fail' }
  | { readonly kind: 'error' };

/** One element's choice of candidate plan in a trial (DT-14). */
interface TrialOption {
  readonly el: DoneElement;
  readonly sections: PlanSections;
}

interface DepEntry {
  providers: DoneElement[];
  requires: PlanRequire[];
  earlyRequires: DoneElement[];
  extraProvides: DoneElement[];
}

/** DT-15/DT-16: builds the dependency map of a trial in element order (JS Map keeps names in first-seen order). */
function depMap(trial: readonly TrialOption[]): Map<string, DepEntry> {
  const m = new Map<string, DepEntry>();
  const get = (name: string) => {
    let e = m.get(name);
    if (!e) m.set(name, (e = { providers: [], requires: [], earlyRequires: [], extraProvides: [] }));
    return e;
  };
  for (const o of trial) {
    for (const p of o.sections.provides) get(p.name).extraProvides.push(o.el);
    for (const r of o.sections.requires) {
      const e = get(r.name);
      e.providers.push(...e.extraProvides); // provided before or by the same element
      e.extraProvides = [];
      if (e.providers.length === 0) e.earlyRequires.push(o.el);
      else e.requires.push(r);
    }
  }
  return m;
}

const same = (a: DoneElement, b: DoneElement) => a.id === b.id && a.version === b.version && !!a.extension === !!b.extension;

/**
 * One trial (DT-15..DT-18): unmet requires or unused provides fail the trial for a non-optional element and
 * exclude an optional one (extensions are optional), repeating until stable.
 */
function runTrial(n: number, start: readonly TrialOption[], log: DetectLog): { trial: TrialOption[]; deps: Map<string, DepEntry> } | undefined {
  log.debug(`Resolving plan... (try #${n})`);
  let trial = [...start];
  for (;;) {
    const deps = depMap(trial);
    let retry = false;
    for (const [name, e] of deps) {
      for (const el of e.earlyRequires) {
        retry = true;
        if (!el.optional) {
          log.debug(`fail: ${elString(el)} requires ${name}`);
          return undefined;
        }
        log.debug(`skip: ${elString(el)} requires ${name}`);
        trial = trial.filter((o) => !same(o.el, el));
      }
    }
    for (const [name, e] of deps) {
      for (const el of e.extraProvides) {
        retry = true;
        if (!el.optional) {
          log.debug(`fail: ${elString(el)} provides unused ${name}`);
          return undefined;
        }
        log.debug(`skip: ${elString(el)} provides unused ${name}`);
        trial = trial.filter((o) => !same(o.el, el));
      }
    }
    if (!retry) {
      if (trial.length === 0) {
        log.debug('fail: no viable buildpacks in group');
        return undefined;
      }
      return { trial, deps };
    }
  }
}

/**
 * DT-14/DT-17: every candidate plan of each passing element, left to right, depth-first (the first element
 * varies slowest). An optional element counts as optional only with its last candidate ([REF]).
 */
function* trials(results: readonly { el: DoneElement; outcome: DetectOutcome }[], prefix: TrialOption[] = []): Generator<TrialOption[]> {
  if (results.length === 0) {
    yield prefix;
    return;
  }
  const [first, ...rest] = results;
  const cands = planCandidates(first!.outcome.plan ?? { requires: [], provides: [], or: [] });
  for (let i = 0; i < cands.length; i++) {
    const el = { ...first!.el, optional: first!.el.optional && i === cands.length - 1 };
    yield* trials(rest, [...prefix, { el, sections: cands[i]! }]);
  }
}

function trimNl(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

/**
 * Resolves one group from its elements' detect outcomes ([REF] DetectResolver): logs the outputs and the
 * `======== Results ========` lines, applies DT-09/DT-10/DT-12, then tries the plan trials (DT-14..DT-21).
 */
export function resolveGroup(done: readonly DoneElement[], outcomes: readonly DetectOutcome[], log: DetectLog): GroupResolution {
  done.forEach((el, i) => {
    const o = outcomes[i]!;
    const emit = (m: string) => (o.code === 0 || o.code === 100 ? log.debug(m) : log.info(m));
    if (o.output.length > 0) {
      emit(`======== Output: ${elString(el)} ========`);
      emit(trimNl(o.output));
    }
    if (o.error) {
      emit(`======== Error: ${elString(el)} ========`);
      emit(o.error);
    }
  });
  log.debug('======== Results ========');
  const results: { el: DoneElement; outcome: DetectOutcome }[] = [];
  let detected = true;
  let anyBuildpack = false;
  let errored = false;
  done.forEach((el, i) => {
    const o = outcomes[i]!;
    if (o.code === 0) {
      log.debug(`pass: ${elString(el)}`);
      results.push({ el, outcome: o });
      if (!el.extension) anyBuildpack = true;
      return;
    }
    if (o.code === 100) log.debug(`${el.optional ? 'skip' : 'fail'}: ${elString(el)}`);
    else {
      log.info(o.code === -1 ? `err:  ${elString(el)}` : `err:  ${elString(el)} (${o.code})`);
      errored = true;
    }
    detected &&= el.optional; // DT-09
  });
  if (!detected) return { kind: errored ? 'error' : 'fail' };
  if (!anyBuildpack) {
    log.debug('fail: no viable buildpacks in group'); // DT-10
    return { kind: 'fail' };
  }
  let n = 0;
  for (const t of trials(results)) {
    const r = runTrial(++n, t, log);
    if (!r) continue;
    if (done.length !== r.trial.length) log.info(`${r.trial.length} of ${done.length} buildpacks participating`);
    const width = Math.max(0, ...r.trial.map((o) => o.el.id.length));
    for (const o of r.trial) log.info(`${o.el.id.padEnd(width)} ${o.el.version}`);
    const entries: PlanEntry[] = [...r.deps.values()].map((e) => ({
      providers: e.providers.map((p) => ({ id: p.id, version: p.version, ...(p.extension ? { extension: true } : {}) })),
      requires: e.requires,
    }));
    return { kind: 'pass', elements: r.trial.map((o) => o.el), plan: { entries } };
  }
  log.debug('check the provided order to ensure that buildpacks providing dependencies run before the buildpacks that require them');
  return { kind: 'fail' };
}
