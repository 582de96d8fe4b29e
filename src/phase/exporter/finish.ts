import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fingerprint, LayerSelectorCache } from '../../cache/index.js';
import type { WriteResult } from '../../image/index.js';
import { writeReport } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import type { BuiltLayer } from './layer-builder.js';

/** EP-23, FMT-11: report.toml with every tag; digest + manifest-size (registry, layout) or image-id (daemon). */
export async function writeExportReport(file: string, tags: readonly string[], kind: string, r: WriteResult): Promise<void> {
  await writeReport(file, {
    image: {
      tags,
      ...(kind === 'daemon' ? { imageId: r.imageId } : {}),
      ...(kind !== 'daemon' && r.digest ? { digest: r.digest } : {}),
      ...(kind !== 'daemon' && r.manifestSize !== undefined ? { manifestSize: r.manifestSize } : {}),
    },
  });
}

/**
 * Keeps the artifacts and selector records of this export and removes the rest (issue 7: a persistent
 * artifacts dir in the cache dir would otherwise grow with every build). Failures only log.
 */
export async function pruneArtifacts(o: {
  artifactsDir: string;
  persist: boolean;
  built: readonly BuiltLayer[];
  selectors?: LayerSelectorCache;
  logger: Logger;
}): Promise<void> {
  try {
    if (!o.persist) {
      await rm(o.artifactsDir, { recursive: true, force: true });
    } else {
      const keep = new Set<string>();
      for (const b of o.built) {
        if (!b.local) continue;
        keep.add(b.local.file.gzPath);
        if (b.local.file.tarPath) keep.add(b.local.file.tarPath);
      }
      for (const n of await readdir(o.artifactsDir).catch(() => [] as string[])) {
        const p = join(o.artifactsDir, n);
        if (!keep.has(p)) await rm(p, { force: true, recursive: true });
      }
    }
    if (o.selectors) {
      const fps = o.built.map((b) => b.fingerprint).filter((f): f is Fingerprint => f !== undefined);
      await o.selectors.prune(fps);
    }
  } catch (e) {
    o.logger.debug(`pruning export artifacts: ${(e as Error).message}`);
  }
}
