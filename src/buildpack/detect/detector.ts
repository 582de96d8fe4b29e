import { LifecycleError } from '../../errors/index.js';
import type { ApiVersion, Group, GroupElement, ModuleRef, Order, Plan, TargetMetadata } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { isComposite, readModuleDescriptor, supportsExecEnv, type ModuleDescriptor } from '../descriptor.js';
import { anyTargetSatisfies } from '../targets.js';
import { DetectLog } from './detect-log.js';
import { resolveGroup, type GroupResolution } from './resolve.js';
import { runDetect, type DetectRunContext } from './run-detect.js';
import { elString, runKey, type DetectOutcome, type DoneElement } from './types.js';

/** A group item: a module reference, or (DT-01) the extension order prepended to a buildpack group. */
export type GroupItem = ModuleRef | { readonly orderExtensions: Order };

/** An order as walked by detection (buildpack groups, possibly headed by the extension order). */
export type DetectOrder = readonly (readonly GroupItem[])[];

/** The detection service's inputs; nothing is read from process.env. */
export interface DetectServiceInputs extends Omit<DetectRunContext, 'target'> {
  readonly order: DetectOrder;
  readonly buildpacksDir: string;
  readonly extensionsDir?: string;
  /** The completed run image target (ENV-01, DT-23); matched for Platform ≥0.12 (DT-22). */
  readonly target?: TargetMetadata;
  readonly logger: Logger;
  /** Replaces `runDetect` (tests). */
  readonly detectRunner?: (d: ModuleDescriptor, ctx: DetectRunContext) => Promise<DetectOutcome>;
}

/** The selected group and its plan (DT-11, DT-21). */
export interface DetectResult {
  readonly group: Group;
  readonly plan: Plan;
}

type Walk = { kind: 'pass'; elements: readonly DoneElement[]; plan: Plan } | { kind: 'fail' } | { kind: 'error' };

/** Walks an order ([REF] Detector): composite expansion, optional fallbacks, de-duplication, first pass wins. */
class OrderWalker {
  private readonly runs = new Map<string, Promise<DetectOutcome>>();
  private readonly descriptors = new Map<string, Promise<ModuleDescriptor>>();
  readonly log = new DetectLog();

  constructor(private readonly i: DetectServiceInputs) {}

  private lookup(ref: ModuleRef): Promise<ModuleDescriptor> {
    const key = runKey(ref);
    let d = this.descriptors.get(key);
    if (!d) {
      d = readModuleDescriptor({ buildpacks: this.i.buildpacksDir, ...(this.i.extensionsDir ? { extensions: this.i.extensionsDir } : {}) }, ref);
      this.descriptors.set(key, d);
    }
    return d;
  }

  /** DT-04/DT-05: tries each group of `order` followed by `next`; with `optional`, then `next` alone. */
  async order(order: DetectOrder, done: readonly DoneElement[], next: readonly GroupItem[], optional: boolean): Promise<Walk> {
    let errored = false;
    for (const group of order) {
      const r = await this.group([...group, ...next], done);
      if (r.kind === 'pass') return r;
      if (r.kind === 'error') errored = true;
    }
    if (optional) return this.group(next, done);
    return { kind: errored ? 'error' : 'fail' };
  }

  /** Runs one resolved group (DT-06..DT-13, DT-22..DT-24). */
  async group(items: readonly GroupItem[], doneIn: readonly DoneElement[]): Promise<Walk> {
    const done = [...doneIn];
    const i = this.i;
    for (let n = 0; n < items.length; n++) {
      const item = items[n]!;
      if ('orderExtensions' in item) return this.order(item.orderExtensions, done, items.slice(n + 1), true);
      if (done.some((e) => !!e.extension === !!item.extension && e.id === item.id)) continue; // DT-06
      const d = await this.lookup(item);
      if (isComposite(d)) return this.order(d.order, done, items.slice(n + 1), item.optional); // DT-04
      const el: DoneElement = { ...item, api: d.api, ...(d.homepage ? { homepage: d.homepage } : {}) };
      const key = runKey(item);
      if (i.platformApi.atLeast('0.12') && !item.optional) {
        const target = i.target ?? { os: '', arch: '' };
        for (const t of d.targets) i.logger.debug(`Checking for match against descriptor: ${JSON.stringify(t)}`);
        if (!anyTargetSatisfies(target, d.targets)) {
          // DT-22 [REF]: not run, counted as an error
          done.push(el);
          const error = `unable to satisfy target os/arch constraints; run image: ${JSON.stringify(target)}, buildpack: ${JSON.stringify(d.targets)}`;
          this.runs.set(key, Promise.resolve({ code: -1, output: '', error }));
          continue;
        }
      }
      if (i.platformApi.atLeast('0.15') && i.execEnv && !supportsExecEnv(d, i.execEnv)) {
        // DT-24, ERRATA-24: skipped, neither run nor counted
        i.logger.debug(`Skipping ${elString(item)} due to execution environment mismatch; current: ${i.execEnv}, buildpack supports: [${d.execEnv.join(' ')}]`);
        continue;
      }
      done.push(el);
      if (!this.runs.has(key)) this.runs.set(key, (i.detectRunner ?? runDetect)(d, { ...i, ...(i.target ? { target: i.target } : {}) }));
    }
    const outcomes = await Promise.all(done.map((e) => this.runs.get(runKey(e))!));
    return resolveGroup(done, outcomes, this.log) satisfies GroupResolution;
  }
}

const toGroupElement = (e: DoneElement): GroupElement => ({
  id: e.id,
  version: e.version,
  api: e.api,
  ...(e.homepage ? { homepage: e.homepage } : {}),
  ...(e.extension ? { extension: true } : {}),
});

/**
 * The detection service (checklist §3.2): walks the order, runs `/bin/detect` of each element, resolves
 * the build plan, and returns the first passing group (DT-11). Throws ERR_DETECT_FAILED (exit 20) when every
 * group failed, ERR_DETECT_ERRORED (21) when one also errored (DT-12), and lookup errors (22, or 12).
 * The resolver log is printed as [REF] does (DT-28).
 */
export async function detect(inputs: DetectServiceInputs): Promise<DetectResult> {
  const walker = new OrderWalker(inputs);
  let r: Walk;
  try {
    r = await walker.order(inputs.order, [], [], false);
  } catch (e) {
    walker.log.flush(inputs.logger, true);
    throw e;
  }
  walker.log.flush(inputs.logger, r.kind !== 'pass');
  if (r.kind === 'fail') {
    inputs.logger.error('No buildpack groups passed detection.');
    inputs.logger.error('Please check that you are running against the correct path.');
    throw new LifecycleError('ERR_DETECT_FAILED', 'no buildpacks participating');
  }
  if (r.kind === 'error') {
    inputs.logger.error('No buildpack groups passed detection.');
    throw new LifecycleError('ERR_DETECT_ERRORED', 'buildpack(s) failed with err');
  }
  return {
    group: {
      group: r.elements.filter((e) => !e.extension).map(toGroupElement),
      groupExtensions: r.elements.filter((e) => e.extension).map(toGroupElement),
    },
    plan: r.plan,
  };
}
