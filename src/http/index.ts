/** src/http: the Transport/Interceptor HTTP stack on undici used for every registry call. */
export {
  compose,
  header,
  headerValues,
  readBody,
  dumpBody,
  isReopenable,
  type BodySource,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type Interceptor,
} from './types.js';
export { baseTransport, type BaseTransportOptions } from './base-transport.js';
export {
  defaultRetryPolicy,
  isRetryableError,
  parseRetryAfter,
  retryDelay,
  withRetry,
  sleep,
  RETRYABLE_STATUSES,
  RETRYABLE_ERROR_CODES,
  type RetryPolicy,
} from './retry-policy.js';
export { retryInterceptor, type RetryObserver } from './retry.js';
export { redactUrl, redactHeader, redactHeaders, REDACTED } from './redact.js';
export { loggingInterceptor } from './logging.js';
export { userAgentInterceptor } from './user-agent.js';
export { redirectInterceptor } from './redirect.js';
export { schemeInterceptor, type SchemeOptions } from './scheme.js';
export { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';
export { authInterceptor, type AuthInterceptorOptions } from './auth-interceptor.js';
export { fetchToken, type BearerToken, type TokenRequest } from './token.js';
export { defaultScopes, mergeScopes } from './scopes.js';
export { RegistryError, OciErrorCodes, errorFromResponse, errorFromException, type OciErrorEntry } from './registry-error.js';
export { registryTransport, observeInterceptor, type RegistryTransportOptions } from './stack.js';
