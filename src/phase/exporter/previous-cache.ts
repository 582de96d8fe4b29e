import type { CommitResult } from '../../cache/index.js';
import type { Digest } from '../../oci/index.js';
import { formatRef, parseRef, withDigest } from '../../ref/index.js';
import type { Logger } from '../../sys/index.js';
import type { ExporterPorts } from './types.js';

/** What EP-30 needs after the cache was written. */
export interface PreviousCacheCleanup {
  /** Deletes the previous cache image when `commit` wrote one with another digest; failures only warn. */
  after(commit: CommitResult | false): Promise<void>;
}

/**
 * EP-30 [REF] (Platform <0.13): the previous cache image is deleted after a new one was written, unless both
 * have the same digest ([REF] `ImageDeleter` compares identifiers). The previous digest is read now, before the
 * new cache image replaces the tag. Undefined when nothing is to be deleted (≥0.13, no cache image, no port).
 */
export function previousCacheCleanup(ports: ExporterPorts, deleteEnabled: boolean, logger: Logger): PreviousCacheCleanup | undefined {
  const remover = ports.cacheImageRemover;
  if (!deleteEnabled || ports.cache?.kind !== 'image' || !remover) return undefined;
  const before: Promise<Digest | undefined> = remover.store
    .image(remover.ref)
    .then((img) => img?.digest())
    .catch((e: unknown) => {
      logger.debug(`previous cache image ${remover.ref} not read: ${(e as Error).message}`);
      return undefined;
    });
  return {
    async after(commit) {
      const old = await before;
      const now = commit === false ? undefined : commit.image?.digest;
      if (!old || !now || old === now) return;
      const target = formatRef(withDigest(parseRef(remover.ref), old));
      try {
        await remover.store.delete(target);
        logger.debug(`Deleted previous cache image ${target}`);
      } catch (e) {
        logger.warn(`Unable to delete cache image: ${(e as Error).message}`); // [REF] wording; never fails the export
      }
    },
  };
}
