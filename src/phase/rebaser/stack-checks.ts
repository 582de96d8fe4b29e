import { LifecycleError } from '../../errors/index.js';
import { Labels } from '../../platform/index.js';
import type { ImageConfig } from '../../oci/index.js';
import { labelsOf } from '../common/index.js';

function mixinsOf(config: ImageConfig, what: string): string[] {
  const raw = labelsOf(config)[Labels.stackMixins];
  if (raw === undefined || raw === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new LifecycleError('ERR_REBASE', `get ${what} mixins: label ${Labels.stackMixins} is not valid JSON: ${(e as Error).message}`);
  }
  if (v === null) return [];
  if (!Array.isArray(v) || v.some((m) => typeof m !== 'string')) {
    throw new LifecycleError('ERR_REBASE', `get ${what} mixins: label ${Labels.stackMixins} is not a JSON array of strings`);
  }
  return v.map((m: string) => m.replace(/^build:/, '').replace(/^run:/, ''));
}

/**
 * RB-10 [REF]: for app images built with Platform <0.12 (or with no CNB_PLATFORM_API in their env) the stack
 * ID must be set on both images and equal, and the new run image must provide every app mixin (stage
 * prefixes `build:`/`run:` stripped). Applies even with `-force`, as in REF. Failures are ERR_REBASE.
 */
export function checkStack(app: ImageConfig, newBase: ImageConfig): void {
  const appStack = labelsOf(app)[Labels.stackId] ?? '';
  const baseStack = labelsOf(newBase)[Labels.stackId] ?? '';
  if (appStack === '') throw new LifecycleError('ERR_REBASE', 'stack not defined on app image');
  if (baseStack === '') throw new LifecycleError('ERR_REBASE', 'stack not defined on new base image');
  if (appStack !== baseStack) throw new LifecycleError('ERR_REBASE', `incompatible stack: '${baseStack}' is not compatible with '${appStack}'`);
  const have = new Set(mixinsOf(newBase, 'run image'));
  const missing = [...new Set(mixinsOf(app, 'app image'))].filter((m) => !have.has(m)).sort();
  if (missing.length > 0) throw new LifecycleError('ERR_REBASE', `missing required mixin(s): ${missing.join(', ')}`);
}
