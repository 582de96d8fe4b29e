/** The builder phase service (checklist §3.6). */
export { runBuilderPhase, DEFAULT_BUILD_CONFIG_DIR, type BuilderPhaseInputs, type BuilderPorts } from './builder.js';
