import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { ApiVersion } from './api-version.js';
import type { FlagDef, InputResolver } from './inputs.js';

/** A catalog entry: a flag definition plus the Platform API range in which it exists. */
interface CatalogEntry extends FlagDef {
  readonly since?: string;
  /** The first Platform API version that no longer has the flag. */
  readonly until?: string;
}

const inLayers = (file: string) => (r: InputResolver) => join(r.string('layers') ?? '/layers', file);

/**
 * The platform inputs shared by the phases: flag name, env var and default, per the Platform API table
 * (platform.md "Inputs" of each phase; GEN-06 `<layers>`-relative defaults; GEN-07 order resolution).
 * Phase commands pick the names they accept with `catalogFlags`.
 */
const CATALOG: CatalogEntry[] = [
  { name: 'log-level', kind: 'string', env: 'CNB_LOG_LEVEL', default: 'info' },
  { name: 'no-color', kind: 'bool', env: 'CNB_NO_COLOR' },
  { name: 'app', kind: 'string', env: 'CNB_APP_DIR', default: '/workspace' },
  { name: 'layers', kind: 'string', env: 'CNB_LAYERS_DIR', default: '/layers' },
  { name: 'platform', kind: 'string', env: 'CNB_PLATFORM_DIR', default: '/platform' },
  { name: 'buildpacks', kind: 'string', env: 'CNB_BUILDPACKS_DIR', default: '/cnb/buildpacks' },
  { name: 'extensions', kind: 'string', env: 'CNB_EXTENSIONS_DIR', default: '/cnb/extensions', since: '0.10' },
  { name: 'build-config', kind: 'string', env: 'CNB_BUILD_CONFIG_DIR', default: '/cnb/build-config' },
  { name: 'analyzed', kind: 'string', env: 'CNB_ANALYZED_PATH', default: inLayers('analyzed.toml') },
  { name: 'group', kind: 'string', env: 'CNB_GROUP_PATH', default: inLayers('group.toml') },
  { name: 'plan', kind: 'string', env: 'CNB_PLAN_PATH', default: inLayers('plan.toml') },
  { name: 'report', kind: 'string', env: 'CNB_REPORT_PATH', default: inLayers('report.toml') },
  { name: 'project-metadata', kind: 'string', env: 'CNB_PROJECT_METADATA_PATH', default: inLayers('project-metadata.toml') },
  { name: 'generated', kind: 'string', env: 'CNB_GENERATED_DIR', default: inLayers('generated'), since: '0.10' },
  { name: 'extended', kind: 'string', env: 'CNB_EXTENDED_DIR', default: inLayers('extended'), since: '0.10' },
  {
    // GEN-07: -order / CNB_ORDER_PATH, else <layers>/order.toml if it exists, else /cnb/order.toml
    name: 'order',
    kind: 'string',
    env: 'CNB_ORDER_PATH',
    default: (r) => {
      const inL = join(r.string('layers') ?? '/layers', 'order.toml');
      return existsSync(inL) ? inL : '/cnb/order.toml';
    },
  },
  { name: 'system', kind: 'string', env: 'CNB_SYSTEM_PATH', default: '/cnb/system.toml', since: '0.15' },
  { name: 'run', kind: 'string', env: 'CNB_RUN_PATH', default: '/cnb/run.toml', since: '0.12' },
  { name: 'stack', kind: 'string', env: 'CNB_STACK_PATH', default: '/cnb/stack.toml' },
  { name: 'run-image', kind: 'string', env: 'CNB_RUN_IMAGE' },
  { name: 'previous-image', kind: 'string', env: 'CNB_PREVIOUS_IMAGE' },
  { name: 'tag', kind: 'strings' },
  { name: 'cache-dir', kind: 'string', env: 'CNB_CACHE_DIR' },
  { name: 'cache-image', kind: 'string', env: 'CNB_CACHE_IMAGE' },
  { name: 'launch-cache', kind: 'string', env: 'CNB_LAUNCH_CACHE_DIR' },
  { name: 'daemon', kind: 'bool', env: 'CNB_USE_DAEMON' },
  { name: 'uid', kind: 'int', env: 'CNB_USER_ID' },
  { name: 'gid', kind: 'int', env: 'CNB_GROUP_ID' },
  { name: 'skip-layers', kind: 'bool', env: 'CNB_SKIP_LAYERS' },
  { name: 'skip-restore', kind: 'bool', env: 'CNB_SKIP_RESTORE' },
  { name: 'launcher', kind: 'string', env: 'CNB_LAUNCHER_PATH', default: '/cnb/lifecycle/launcher' },
  { name: 'launcher-sbom', kind: 'string', env: 'CNB_LAUNCHER_SBOM_DIR', default: '/cnb/lifecycle', since: '0.11' },
  { name: 'process-type', kind: 'string', env: 'CNB_PROCESS_TYPE' },
  { name: 'layout', kind: 'bool', env: 'CNB_USE_LAYOUT', since: '0.12' },
  { name: 'layout-dir', kind: 'string', env: 'CNB_LAYOUT_DIR', since: '0.12' },
  { name: 'insecure-registry', kind: 'strings', env: 'CNB_INSECURE_REGISTRIES', since: '0.13' },
  { name: 'parallel', kind: 'bool', env: 'CNB_PARALLEL_EXPORT', since: '0.13' },
  { name: 'force', kind: 'bool', env: 'CNB_FORCE_REBASE' },
  { name: 'kind', kind: 'string', env: 'CNB_EXTEND_KIND', default: 'build', since: '0.10' },
  { name: 'kaniko-dir', kind: 'string', default: '/kaniko', since: '0.10' },
  { name: 'build-image', kind: 'string', env: 'CNB_BUILD_IMAGE', since: '0.10' },
];

const BY_NAME = new Map(CATALOG.map((e) => [e.name, e]));

/** The definitions of `names` that exist at Platform API `api`, in the given order. */
export function catalogFlags(api: ApiVersion, names: readonly string[]): FlagDef[] {
  const out: FlagDef[] = [];
  for (const name of names) {
    const e = BY_NAME.get(name);
    if (!e) throw new Error(`internal: flag '${name}' is not in the catalog`);
    if (e.since && api.lessThan(e.since)) continue;
    if (e.until && api.atLeast(e.until)) continue;
    out.push(e);
  }
  return out;
}

/** Flags every phase has (GEN-08). */
export const COMMON_FLAGS = ['log-level', 'no-color'] as const;
