import type { Logger } from '../../sys/index.js';
import { openPhaseStores, type PhaseStoreOptions, type PhaseStores } from './stores.js';

/**
 * The resolved inputs of a connected phase that choose its image stores: `-daemon`, `-layout`/`-layout-dir`
 * (already guarded by GEN-10), `-insecure-registry`, `-launch-cache` (daemon only) and the temp dir.
 */
export type StoreSelection = Pick<PhaseStoreOptions, 'daemon' | 'layout' | 'layoutDir' | 'insecureRegistries' | 'launchCacheDir' | 'tmpDir'>;

/**
 * Opens the keychain and image stores of a connected phase from its resolved inputs and the command's
 * environment and logger (DESIGN §5.8: the entrypoint passes `ctx.env` in). Call it in `privileges()`,
 * before the uid drop (GEN-12); see `openPhaseStores`.
 */
export function openStoresFor(i: StoreSelection, ctx: { readonly env: Readonly<Record<string, string | undefined>>; readonly logger: Logger }): PhaseStores {
  const { daemon, layout, layoutDir, insecureRegistries, launchCacheDir, tmpDir } = i;
  return openPhaseStores({ env: ctx.env, logger: ctx.logger, daemon, layout, layoutDir, insecureRegistries, launchCacheDir, tmpDir });
}
