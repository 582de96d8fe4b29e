/** The rebaser phase service (§3.9): decision logic and the manifest/config-only image rebase. */
export { Rebaser, type RebaserOptions, type RebaseRequest, type PreparedRebase, type RebaseResult } from './rebaser.js';
export { composeRebased, normalizedHistory, type ComposeOptions } from './compose.js';
export { rebaseOnTopLayer, oldBaseOf } from './rebase-image.js';
export { updateMetadata, syncBaseLabels, type NewRunImage } from './metadata-update.js';
export { checkTargets, targetSatisfiedForRebase, envOf } from './target-checks.js';
export { checkStack } from './stack-checks.js';
export { runImageFromMetadata, chooseRunImage } from './run-image-choice.js';
export { comparableName, entryContains } from './run-image-name.js';
