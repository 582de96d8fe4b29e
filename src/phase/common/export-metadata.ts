import type { ApiVersion } from '../../platform/index.js';
import { NORMALIZED_TIME, parseSourceDateEpoch } from '../../sys/index.js';
import type { LauncherInfo } from '../exporter/index.js';

/**
 * EP-20: the image creation time: SOURCE_DATE_EPOCH (`value`, ≥0.9) or the normalized constant; an
 * unparsable value only warns [REF]. The entrypoint passes `ctx.env['SOURCE_DATE_EPOCH']` in.
 */
export function imageCreatedTime(api: ApiVersion, value: string | undefined, warn: (m: string) => void): Date {
  if (api.lessThan('0.9') || !value) return NORMALIZED_TIME;
  try {
    return parseSourceDateEpoch(value) ?? NORMALIZED_TIME;
  } catch {
    warn(`Ignoring invalid SOURCE_DATE_EPOCH '${value}'`);
    return NORMALIZED_TIME;
  }
}

/** LBL-08: the launcher's version (the lifecycle's, from src/cli) and source in `io.buildpacks.build.metadata`. */
export function lifecycleLauncherInfo(version: string): LauncherInfo {
  return { version, source: { git: { repository: 'cnb-lifecycle-ts', commit: '' } } };
}
