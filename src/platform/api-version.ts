import { LifecycleError } from '../errors/index.js';

/** An API version `<major>.<minor>` (VER-01: `<major>` alone means `<major>.0`; components compare numerically). */
export class ApiVersion {
  private constructor(
    readonly major: number,
    readonly minor: number,
  ) {}

  /** Parses "0.12" or "1"; throws ERR_INVALID_ARGS on anything else (callers re-code it). */
  static parse(text: string): ApiVersion {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!m) throw new LifecycleError('ERR_INVALID_ARGS', `invalid API version '${text}'`);
    return new ApiVersion(Number(m[1]), Number(m[2] ?? '0'));
  }

  /** Returns the parsed version, or undefined when the text is not a version. */
  static tryParse(text: string | undefined): ApiVersion | undefined {
    if (text === undefined) return undefined;
    try {
      return ApiVersion.parse(text);
    } catch {
      return undefined;
    }
  }

  compare(other: ApiVersion | string): number {
    const o = typeof other === 'string' ? ApiVersion.parse(other) : other;
    return this.major !== o.major ? this.major - o.major : this.minor - o.minor;
  }

  /** True when this >= other ("0.12" style string accepted). */
  atLeast(other: ApiVersion | string): boolean {
    return this.compare(other) >= 0;
  }

  /** True when this < other. */
  lessThan(other: ApiVersion | string): boolean {
    return this.compare(other) < 0;
  }

  equals(other: ApiVersion | string): boolean {
    return this.compare(other) === 0;
  }

  toString(): string {
    return `${this.major}.${this.minor}`;
  }
}

/** Platform API versions this lifecycle supports (checklist §1). */
export const SUPPORTED_PLATFORM_APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'] as const;
/** Buildpack API versions this lifecycle supports (checklist §1). */
export const SUPPORTED_BUILDPACK_APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12'] as const;
/** Deprecated versions (none today; VER-06 applies to these). */
export const DEPRECATED_PLATFORM_APIS: readonly string[] = [];
export const DEPRECATED_BUILDPACK_APIS: readonly string[] = [];

function isIn(list: readonly string[], v: ApiVersion): boolean {
  return list.some((s) => ApiVersion.parse(s).equals(v));
}

/** True when the Platform API version is supported. */
export function isSupportedPlatformApi(v: ApiVersion): boolean {
  return isIn(SUPPORTED_PLATFORM_APIS, v);
}

/** True when the Buildpack API version is supported. */
export function isSupportedBuildpackApi(v: ApiVersion): boolean {
  return isIn(SUPPORTED_BUILDPACK_APIS, v);
}

/**
 * VER-04: checks a buildpack's (or extension's) declared API; throws ERR_BUILDPACK_API (exit 12) naming
 * the buildpack and the file it came from.
 */
export function checkBuildpackApi(api: string | undefined, who: string, source: string): ApiVersion {
  const v = ApiVersion.tryParse(api);
  if (!v) {
    throw new LifecycleError('ERR_BUILDPACK_API', `${who}: invalid buildpack API '${api ?? ''}' in ${source}`);
  }
  if (!isSupportedBuildpackApi(v)) {
    throw new LifecycleError(
      'ERR_BUILDPACK_API',
      `${who}: buildpack API ${v} in ${source} is not supported (supported: ${SUPPORTED_BUILDPACK_APIS.join(', ')})`,
    );
  }
  return v;
}
