import { LifecycleError } from '../../errors/index.js';
import type { ModuleRef } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';

/** FMT-19: IDs that name lifecycle-owned directories under `<layers>`. */
export const RESERVED_MODULE_IDS: readonly string[] = ['app', 'config', 'generated', 'sbom'];

/** FMT-19: the characters a buildpack ID may use. */
const ID_CHARS = /^[A-Za-z0-9./-]+$/;

/**
 * FMT-19 for the buildpacks and extensions an order names (ERRATA-D-FMT1): a reserved ID (`app`, `config`,
 * `generated`, `sbom`) would share `<layers>/<id>` with the lifecycle's own files, so it fails (ERR_GENERIC,
 * exit 1, as other detector initialization errors). IDs with other characters than `[A-Za-z0-9./-]`, and
 * IDs that differ only in case, are accepted with a warning ([REF] does not check IDs).
 */
export function checkModuleIds(refs: readonly ModuleRef[], logger: Logger): void {
  const byLower = new Map<string, string>();
  const warned = new Set<string>();
  for (const r of refs) {
    const kind = r.extension ? 'extension' : 'buildpack';
    if (RESERVED_MODULE_IDS.includes(r.id)) {
      throw new LifecycleError('ERR_GENERIC', `${kind} ID '${r.id}' is reserved (${RESERVED_MODULE_IDS.join(', ')} name lifecycle directories)`);
    }
    if (!ID_CHARS.test(r.id) && !warned.has(r.id)) {
      warned.add(r.id);
      logger.warn(`${kind} ID '${r.id}' should contain only letters, digits, '.', '/' and '-'`);
    }
    const key = `${kind}:${r.id.toLowerCase()}`;
    const seen = byLower.get(key);
    if (seen !== undefined && seen !== r.id && !warned.has(key)) {
      warned.add(key);
      logger.warn(`${kind} IDs '${seen}' and '${r.id}' differ only in case; IDs should be unique case-insensitively`);
    }
    if (seen === undefined) byLower.set(key, r.id);
  }
}
