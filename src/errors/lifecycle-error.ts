import type { ErrorCode } from './codes.js';

/**
 * The base of every error the lifecycle raises on purpose. `code` decides the exit code (src/cli);
 * `message` is the one-line cause. The CLI prints `ERROR: failed to <action>: <message>`.
 */
export class LifecycleError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'LifecycleError';
  }
}

/** True for a LifecycleError (also across bundle copies, by duck typing on `code`). */
export function isLifecycleError(e: unknown): e is LifecycleError {
  if (e instanceof LifecycleError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && e.name === 'LifecycleError' && typeof code === 'string' && code.startsWith('ERR_');
}

/** Wraps any thrown value as a LifecycleError with `code`, prefixing `context` ("read /x/group.toml"). */
export function wrapError(e: unknown, code: ErrorCode, context: string): LifecycleError {
  if (isLifecycleError(e)) {
    return new LifecycleError(e.code, `${context}: ${e.message}`, { cause: e });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new LifecycleError(code, `${context}: ${msg}`, { cause: e });
}

/** Shorthand constructors, one per frequent code. */
export const errors = {
  invalidArgs: (msg: string) => new LifecycleError('ERR_INVALID_ARGS', msg),
  platformApi: (msg: string) => new LifecycleError('ERR_PLATFORM_API', msg),
  buildpackApi: (msg: string) => new LifecycleError('ERR_BUILDPACK_API', msg),
  toml: (file: string, msg: string) => new LifecycleError('ERR_TOML', `${file}: ${msg}`),
};
