/**
 * Error codes carried by every LifecycleError. The CLI maps them to exit codes in exactly one place
 * (src/cli/exit-codes.ts); nothing else in the code base knows an exit number.
 *
 * Codes named after a phase (ERR_ANALYZE, ERR_EXPORT, ...) are that phase's generic failure ([REF] 32, 62, ...).
 * Codes for lower layers (ERR_TOML, ERR_REGISTRY, ERR_TAR, ...) map to the generic code of the phase that hit them.
 */
export const ErrorCodes = [
  'ERR_GENERIC', // 1
  'ERR_FLAG', // 2: flag parse error (GEN-02)
  'ERR_INVALID_ARGS', // 3: invalid or missing input (GEN-03)
  'ERR_PLATFORM_API', // 11 (VER-02, VER-03, GEN-15)
  'ERR_BUILDPACK_API', // 12 (VER-04)
  'ERR_DETECT_FAILED', // 20: all groups failed, no error
  'ERR_DETECT_ERRORED', // 21: all groups failed, a buildpack errored
  'ERR_DETECT', // 22: generic detect error
  'ERR_ANALYZE', // 32
  'ERR_RESTORE', // 42
  'ERR_BUILDPACK_FAILED', // 51: /bin/build exited non-zero
  'ERR_BUILD', // 52
  'ERR_EXPORT', // 62
  'ERR_REBASE', // 72
  'ERR_LAUNCH', // 82
  'ERR_GENERATE_FAILED', // 91
  'ERR_GENERATE', // 92
  'ERR_EXTEND', // 102
  // Lower-layer codes: mapped to the generic code of the running phase.
  'ERR_TOML', // malformed or invalid TOML file
  'ERR_IO', // file system failure
  'ERR_IMAGE_REF', // bad image reference
  'ERR_IMAGE', // invalid image data (manifest, config, index) or image not found
  'ERR_REGISTRY', // registry request failed
  'ERR_AUTH', // registry authentication failed
  'ERR_DIGEST', // blob digest or size mismatch
  'ERR_TAR', // broken or unsafe tar archive
  'ERR_DAEMON', // Docker Engine API failure
  'ERR_LAYOUT', // OCI layout failure
  'ERR_CACHE', // cache failure
  'ERR_PROCESS', // child process could not be started
] as const;

/** One of the error codes above. */
export type ErrorCode = (typeof ErrorCodes)[number];
