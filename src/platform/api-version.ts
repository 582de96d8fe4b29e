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
 * the buildpack and the file it came from. A deprecated API is handled by the VER-06 policy
 * (`setBuildpackDeprecationPolicy`).
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
  checkApiDeprecation('buildpack', v, who, buildpackPolicy); // VER-06
  return v;
}

/** How a deprecated Platform or Buildpack API is handled (VER-06). */
export type DeprecationMode = 'warn' | 'quiet' | 'error';

/**
 * VER-06 [REF]: `CNB_DEPRECATION_MODE`: `warn` (the default, also for unset or unknown values), `quiet`,
 * `error`. Case-insensitive, surrounding blanks ignored.
 */
export function deprecationMode(env: Readonly<Record<string, string | undefined>>): DeprecationMode {
  const v = (env['CNB_DEPRECATION_MODE'] ?? '').trim().toLowerCase();
  return v === 'quiet' || v === 'error' ? v : 'warn';
}

/** The mode plus where its warnings go (the running phase's logger). */
export interface DeprecationPolicy {
  readonly mode: DeprecationMode;
  warn(message: string): void;
}

/**
 * VER-06: checks one requested API against the deprecated list of its kind (none are deprecated today; the
 * list is a parameter so the code path can be tested). Not deprecated: nothing. `quiet`: nothing. `warn`:
 * one warning naming the requester. `error`: throws ERR_PLATFORM_API (exit 11) or ERR_BUILDPACK_API (exit 12).
 * `who` names the requester, e.g. "buildpack acme/node@1.0.0" (unused for the platform).
 */
export function checkApiDeprecation(
  kind: 'platform' | 'buildpack',
  version: ApiVersion,
  who: string,
  policy: DeprecationPolicy,
  deprecated: readonly string[] = kind === 'platform' ? DEPRECATED_PLATFORM_APIS : DEPRECATED_BUILDPACK_APIS,
): void {
  if (!deprecated.some((d) => ApiVersion.parse(d).equals(version))) return;
  const requester = kind === 'platform' ? 'Platform' : who;
  if (policy.mode === 'quiet') return;
  if (policy.mode === 'warn') {
    policy.warn(`${requester} requested deprecated API '${version}'`);
    return;
  }
  throw new LifecycleError(
    kind === 'platform' ? 'ERR_PLATFORM_API' : 'ERR_BUILDPACK_API',
    `${requester} requested deprecated API '${version}' (CNB_DEPRECATION_MODE=error)`,
  );
}

let buildpackPolicy: DeprecationPolicy = { mode: 'warn', warn: () => undefined };

/**
 * Sets the process-wide policy `checkBuildpackApi` applies to deprecated Buildpack APIs (VER-06). The CLI
 * sets it once per phase run from `CNB_DEPRECATION_MODE` and the phase logger; until then deprecation
 * warnings are dropped. Returns the previous policy (tests restore it).
 */
export function setBuildpackDeprecationPolicy(policy: DeprecationPolicy): DeprecationPolicy {
  const prev = buildpackPolicy;
  buildpackPolicy = policy;
  return prev;
}

/** The policy set by `setBuildpackDeprecationPolicy`. */
export function buildpackDeprecationPolicy(): DeprecationPolicy {
  return buildpackPolicy;
}
