import { defaultKeychain, type Keychain } from '../../auth/index.js';
import { createRegistryStore, RegistryStore } from '../../registry/index.js';
import { chooseImageStore, type ClosableImageStore, type StoreFactories } from '../../store/index.js';
import { SpawnProcessRunner, type Logger, type ProcessRunner } from '../../sys/index.js';
import { everyImageReadable, type ReadAccessChecker } from './run-image.js';

/** What a phase command resolved and hands over to build its image ports (read in `privileges()`). */
export interface PhaseStoreOptions {
  /** The process environment as the command received it: CNB_REGISTRY_AUTH, DOCKER_CONFIG, HOME, DOCKER_HOST. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** `-daemon` / CNB_USE_DAEMON. */
  readonly daemon: boolean;
  /** `-layout` / CNB_USE_LAYOUT (≥0.12; guard it with `guardExperimental` first, GEN-10). */
  readonly layout?: boolean;
  /** `-layout-dir` / CNB_LAYOUT_DIR (required with `layout`: ERR_INVALID_ARGS otherwise, AN-16). */
  readonly layoutDir?: string | undefined;
  /** `-insecure-registry` / CNB_INSECURE_REGISTRIES (≥0.13), already normalized (src/ref parseInsecureRegistries). */
  readonly insecureRegistries?: readonly string[];
  /** `-launch-cache` (daemon only; AN-17 warns elsewhere). */
  readonly launchCacheDir?: string | undefined;
  readonly tmpDir?: string | undefined;
  /** Runs docker credential helpers (default SpawnProcessRunner). */
  readonly runner?: ProcessRunner;
  /** Substitute store constructors (tests). */
  readonly factories?: Partial<StoreFactories>;
}

/** The image ports of a phase; `close()` when done (connection pools, daemon temp dirs). */
export interface PhaseStores {
  /** GEN-09 credentials: CNB_REGISTRY_AUTH, then docker config.json and helpers; anonymous otherwise. */
  readonly keychain: Keychain;
  /** Where the app, previous and run images live: registry, daemon or layout (chooseImageStore). */
  readonly images: ClosableImageStore;
  /** A registry store with the same keychain: cache images (always in a registry) and AN-06 access checks. */
  readonly registry: RegistryStore & { close(): Promise<void> };
  /** RI-01 read check for run image mirrors: the registry read check, or "every candidate" for daemon/layout. */
  readonly canRead: ReadAccessChecker;
  close(): Promise<void>;
}

/**
 * Builds the keychain and the image stores every connected phase (analyzer, restorer, exporter, rebaser,
 * creator) uses, the same way everywhere: layout (`-layout` with `-layout-dir`, FMT-25 paths) > daemon
 * (`DOCKER_HOST`) > registry (keychain, insecure registries). No I/O happens here (stores connect lazily);
 * call it in `privileges()` so a keychain file readable only by root is still read (GEN-12).
 */
export function openPhaseStores(o: PhaseStoreOptions): PhaseStores {
  const keychain = defaultKeychain({ env: o.env, runner: o.runner ?? new SpawnProcessRunner() });
  const insecureRegistries = o.insecureRegistries ?? [];
  const images = chooseImageStore(
    {
      daemon: o.daemon,
      layout: o.layout ?? false,
      layoutDir: o.layoutDir,
      keychain,
      insecureRegistries,
      dockerHost: o.env['DOCKER_HOST'] || undefined,
      launchCacheDir: o.launchCacheDir,
      tmpDir: o.tmpDir,
      logger: o.logger,
    },
    o.factories ?? {},
  );
  const shared = images instanceof RegistryStore && typeof (images as ClosableImageStore).close === 'function';
  const registry = shared ? (images as RegistryStore & { close(): Promise<void> }) : createRegistryStore({ keychain, insecureRegistries, logger: o.logger });
  const canRead = images.kind === 'registry' ? registryReadChecker(registry) : everyImageReadable;
  return {
    keychain,
    images,
    registry,
    canRead,
    async close() {
      await Promise.allSettled([images.close?.(), shared ? undefined : registry.close()]);
    },
  };
}

/** RI-01 on a registry: readable when the AN-06 read check passes (an absent image counts as readable, [REF]). */
export function registryReadChecker(registry: Pick<RegistryStore, 'checkReadAccess'>): ReadAccessChecker {
  return async (ref) => {
    try {
      await registry.checkReadAccess(ref);
      return true;
    } catch {
      return false;
    }
  };
}
