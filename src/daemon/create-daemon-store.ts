import type { Logger } from '../sys/index.js';
import { DaemonStore } from './daemon-store.js';
import { createDockerEngine } from './engine-client.js';
import { dirLaunchCache } from './launch-cache.js';

/** Platform-level inputs of a daemon store. */
export interface DaemonStoreInputs {
  /** The DOCKER_HOST value (the entrypoint reads the environment; default the standard socket). */
  readonly dockerHost?: string | undefined;
  /** `-launch-cache` directory (EP-29), if given. */
  readonly launchCacheDir?: string | undefined;
  readonly tmpDir?: string | undefined;
  readonly logger?: Logger | undefined;
}

/** A DaemonStore on its own engine client (closed by `store.close()`). No I/O until the first call. */
export function createDaemonStore(inputs: DaemonStoreInputs = {}): DaemonStore {
  return new DaemonStore({
    engine: createDockerEngine({ host: inputs.dockerHost }),
    closeEngine: true,
    ...(inputs.launchCacheDir ? { launchCache: dirLaunchCache(inputs.launchCacheDir) } : {}),
    ...(inputs.tmpDir ? { tmpDir: inputs.tmpDir } : {}),
    ...(inputs.logger ? { logger: inputs.logger } : {}),
  });
}
