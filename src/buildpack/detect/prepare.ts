import { isLifecycleError, LifecycleError } from '../../errors/index.js';
import { mergeSystem, readOrder, readSystem, type ApiVersion, type ModuleRef, type Order } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { isComposite, readModuleDescriptor } from '../descriptor.js';
import { checkModuleIds } from './module-ids.js';
import type { DetectOrder, GroupItem } from './detector.js';

/** Inputs of order preparation. */
export interface PrepareOrderInputs {
  readonly orderPath: string;
  /** `<system>` (≥0.15); ignored below 0.15. */
  readonly systemPath?: string;
  readonly platformApi: ApiVersion;
  readonly buildpacksDir: string;
  readonly extensionsDir?: string;
  readonly logger: Logger;
}

/** The order ready for detection, and whether it has extensions (DT-27 experimental guard). */
export interface PreparedOrder {
  readonly order: DetectOrder;
  readonly hasExtensions: boolean;
}

/** Wraps an initialization failure as [REF] does: generic exit 1, except an unsupported API (12). */
function initError(e: unknown, what: string): LifecycleError {
  if (isLifecycleError(e) && e.code === 'ERR_BUILDPACK_API') return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new LifecycleError('ERR_GENERIC', `${what}: ${msg}`, { cause: e });
}

/** DT-01: prepends the extension order (as one optional item) to every buildpack group. */
export function prependExtensions(order: Order, orderExtensions: Order): DetectOrder {
  if (orderExtensions.length === 0) return order;
  const item: GroupItem = { orderExtensions: orderExtensions.map((g) => g.map((e) => ({ ...e, extension: true, optional: true }))) };
  return order.map((g) => [item, ...g]);
}

/**
 * Reads `<order>` (FMT-ORDER), merges `<system>` for Platform ≥0.15 (DT-02, ERRATA-10), and verifies every
 * top-level element's descriptor and API (DT-03): an unsupported API is exit 12, a missing or malformed
 * file a generic error (exit 1), each naming the file. FMT-19: checks the IDs (`checkModuleIds`).
 */
export async function prepareOrder(i: PrepareOrderInputs): Promise<PreparedOrder> {
  let order: Order;
  let orderExtensions: Order;
  try {
    ({ order, orderExtensions } = await readOrder(i.orderPath));
  } catch (e) {
    throw initError(e, 'reading order');
  }
  if (i.platformApi.atLeast('0.15') && i.systemPath) {
    try {
      const sys = await readSystem(i.systemPath);
      if (sys.pre.length > 0) i.logger.debug(`Prepending ${sys.pre.length} system buildpack(s) to order`);
      if (sys.post.length > 0) i.logger.debug(`Appending ${sys.post.length} system buildpack(s) to order`);
      order = mergeSystem(order, sys);
    } catch (e) {
      throw initError(e, 'reading system');
    }
  }
  const refs: ModuleRef[] = [...order.flat(), ...orderExtensions.flat()];
  const dirs = { buildpacks: i.buildpacksDir, ...(i.extensionsDir ? { extensions: i.extensionsDir } : {}) };
  const ids: ModuleRef[] = [...refs];
  for (const ref of refs) {
    try {
      const d = await readModuleDescriptor(dirs, ref);
      if (isComposite(d)) ids.push(...d.order.flat()); // FMT-19: the IDs a composite names (not read here, DT-04)
    } catch (e) {
      throw initError(e, 'initialize detector');
    }
  }
  try {
    checkModuleIds(ids, i.logger); // FMT-19
  } catch (e) {
    throw initError(e, 'initialize detector');
  }
  return { order: prependExtensions(order, orderExtensions), hasExtensions: orderExtensions.length > 0 };
}
