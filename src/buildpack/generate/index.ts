/** Generation (§3.3): running image extensions' `/bin/generate`, validating and placing their Dockerfiles. */
export { generate, type GenerateServiceInputs, type GenerateResult } from './generator.js';
export { runGenerate, type GenerateRunContext } from './run-generate.js';
export { readGenerateOutputs, CONTEXT_DIRS, type GenerateOutputs } from './outputs.js';
export {
  validateBuildDockerfile,
  validateRunDockerfile,
  readGeneratedDockerfile,
  isBaseImageRef,
  RECOMMENDED_INSTRUCTIONS,
  type DockerfileInfo,
  type DockerfileKind,
} from './dockerfiles.js';
export { selectRunImage, updateAnalyzed, inRunMetadata, type RunImageSelection } from './run-image.js';
export { placeOutputs, generatedDockerfilePath, generatedExtendConfigPath } from './place.js';
