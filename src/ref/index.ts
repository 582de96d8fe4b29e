/** src/ref: image reference parsing and normalization (pure, context-free). */
export { parseRef, isValidRef, normalizeRegistry, DOCKER_HUB, DOCKER_HUB_API_HOST, type ImageRef } from './reference.js';
export {
  repoName,
  refIdentifier,
  formatRef,
  withDigest,
  withTag,
  sameRegistry,
  registryApiHost,
  isLocalRegistry,
  parseInsecureRegistries,
} from './format.js';
