import { LifecycleError } from '../../errors/index.js';
import { isRoot } from '../../sys/index.js';

/** [REF] message of the detector and builder when started as root (GEN-12). */
export const REFUSE_ROOT_MESSAGE = 'refusing to run as root';

/**
 * GEN-12 [REF]: buildpack code (`/bin/detect`, `/bin/generate`, `/bin/build`) never runs with privileges.
 * Throws ERR_GENERIC (exit 1) with `message` when this process runs as root; does nothing otherwise.
 */
export function refuseRoot(message: string = REFUSE_ROOT_MESSAGE): void {
  if (isRoot()) throw new LifecycleError('ERR_GENERIC', message);
}
