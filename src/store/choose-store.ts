import type { Keychain } from '../auth/index.js';
import { createDaemonStore } from '../daemon/index.js';
import { LifecycleError } from '../errors/index.js';
import type { ImageStore } from '../image/index.js';
import { LayoutStore } from '../layout/index.js';
import { createRegistryStore } from '../registry/index.js';
import type { Logger } from '../sys/index.js';

/** An ImageStore that may hold connections or temp dirs; call `close()` when the phase is done. */
export type ClosableImageStore = ImageStore & { close?(): Promise<void> };

/** The platform inputs that decide where images live (resolved by src/platform: flag > env > default). */
export interface StoreInputs {
  /** `-daemon` / CNB_USE_DAEMON. */
  readonly daemon: boolean;
  /** `-layout` / CNB_USE_LAYOUT (EP-27, experimental). */
  readonly layout: boolean;
  /** `-layout-dir` / CNB_LAYOUT_DIR. */
  readonly layoutDir?: string | undefined;
  /** Registry credentials (GEN-09); anonymous when absent. */
  readonly keychain?: Keychain | undefined;
  /** `-insecure-registry` / CNB_INSECURE_REGISTRIES (0.13+). */
  readonly insecureRegistries?: readonly string[] | undefined;
  /** DOCKER_HOST, read by the entrypoint (phases never read the environment). */
  readonly dockerHost?: string | undefined;
  /** `-launch-cache` (EP-29); used only with the daemon (AN-17: the phase warns and ignores it otherwise). */
  readonly launchCacheDir?: string | undefined;
  readonly tmpDir?: string | undefined;
  readonly logger?: Logger | undefined;
}

/** Builds each kind of store; injected so tests and callers can substitute any of them. */
export interface StoreFactories {
  registry(o: { keychain: Keychain; insecureRegistries: readonly string[]; logger?: Logger | undefined }): ClosableImageStore;
  layout(o: { dir: string }): ClosableImageStore;
  daemon(o: { dockerHost?: string | undefined; launchCacheDir?: string | undefined; tmpDir?: string | undefined; logger?: Logger | undefined }): ClosableImageStore;
}

const anonymousKeychain: Keychain = { resolve: async () => ({ authorization: async () => ({}) }) };

/** The default factories: RegistryStore (src/registry), LayoutStore (src/layout) and DaemonStore (src/daemon). */
export const defaultStoreFactories: StoreFactories = {
  registry: (o) => createRegistryStore({ keychain: o.keychain, insecureRegistries: o.insecureRegistries, ...(o.logger ? { logger: o.logger } : {}) }),
  layout: ({ dir }) => new LayoutStore(dir),
  daemon: (o) => createDaemonStore(o),
};

/**
 * Chooses the ImageStore as [REF]'s image handler does: `layout` with a layout dir → layout store; else
 * `daemon` → daemon store; else the registry store with the keychain and insecure registries. `layout` without
 * a directory is an input error (ERR_INVALID_ARGS), not a silent fall-through to a registry.
 * No I/O here: every store connects on first use.
 */
export function chooseImageStore(inputs: StoreInputs, factories: Partial<StoreFactories> = {}): ClosableImageStore {
  const f = { ...defaultStoreFactories, ...factories };
  if (inputs.layout) {
    if (!inputs.layoutDir) {
      throw new LifecycleError('ERR_INVALID_ARGS', 'defining a layout directory is required when the OCI layout feature is enabled: use -layout-dir or CNB_LAYOUT_DIR');
    }
    return f.layout({ dir: inputs.layoutDir });
  }
  if (inputs.daemon) {
    return f.daemon({ dockerHost: inputs.dockerHost, launchCacheDir: inputs.launchCacheDir, tmpDir: inputs.tmpDir, logger: inputs.logger });
  }
  return f.registry({ keychain: inputs.keychain ?? anonymousKeychain, insecureRegistries: inputs.insecureRegistries ?? [], logger: inputs.logger });
}
