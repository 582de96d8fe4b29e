import { LifecycleError } from '../../errors/index.js';
import { Labels, type TargetMetadata } from '../../platform/index.js';
import { labelsOf, targetFromImageConfig } from '../common/index.js';
import type { ImageConfig } from '../../oci/index.js';
import type { Logger } from '../../sys/index.js';

/** The value of `name` in the config's Env (`undefined` when unset). */
export function envOf(config: ImageConfig, name: string): string | undefined {
  const hit = (config.config?.Env ?? []).find((e) => e.startsWith(`${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 1);
}

const wild = (a: string | undefined, b: string | undefined) => !a || !b || a === b;

/**
 * RB-08 [REF] TargetSatisfiedForRebase: `os` and `arch` must be equal; an empty variant on either side is a
 * wildcard; distro values given on the new run image must be on the app image and equal (empty = wildcard).
 */
export function targetSatisfiedForRebase(newBase: TargetMetadata, app: TargetMetadata): boolean {
  if (newBase.os !== app.os || newBase.arch !== app.arch) return false;
  if (!wild(newBase.archVariant, app.archVariant)) return false;
  if (newBase.distro) {
    if (!app.distro) return false;
    if (newBase.distro.name && newBase.distro.name !== app.distro.name) return false;
    if (newBase.distro.version && newBase.distro.version !== app.distro.version) return false;
  }
  return true;
}

const FORCE_HINT = 'please provide -force to override';

function describe(t: TargetMetadata): string {
  return JSON.stringify({
    ...(t.id ? { id: t.id } : {}),
    os: t.os,
    arch: t.arch,
    ...(t.archVariant ? { 'arch-variant': t.archVariant } : {}),
    ...(t.distro ? { distro: t.distro } : {}),
  });
}

/**
 * RB-03 and RB-08/RB-09 for app images built with Platform ≥0.12: `io.buildpacks.rebasable=false` and a
 * target mismatch fail (ERR_REBASE) unless `force`, which turns both into warnings. An unset label is allowed.
 */
export function checkTargets(app: ImageConfig, newBase: ImageConfig, force: boolean, logger: Logger): void {
  if (labelsOf(app)[Labels.rebasable] === 'false') {
    if (!force) throw new LifecycleError('ERR_REBASE', `app image is not marked as rebasable; ${FORCE_HINT}`);
    logger.warn('app image is not marked as rebasable');
  }
  const appTarget = targetFromImageConfig(app);
  const baseTarget = targetFromImageConfig(newBase);
  if (!targetSatisfiedForRebase(baseTarget, appTarget)) {
    const msg = `unable to satisfy target os/arch constraints; new run image: ${describe(baseTarget)}, old run image: ${describe(appTarget)}`;
    if (!force) throw new LifecycleError('ERR_REBASE', `${msg}; ${FORCE_HINT}`);
    logger.warn(msg);
  }
}
