/** Typed errors with codes (rank 0: every folder may import this one). */
export { ErrorCodes, type ErrorCode } from './codes.js';
export { LifecycleError, isLifecycleError, wrapError, errors } from './lifecycle-error.js';
