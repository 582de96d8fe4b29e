import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../errors/index.js';
import { digestHex, type Digest } from '../oci/index.js';
import type { Logger } from '../sys/index.js';
import { errnoCode, exists, removeQuietly, renameDurable } from './durable-fs.js';

/**
 * [REF] FMT-26: the volume cache directory names. `committed/` is what readers see; the exporter writes
 * `staging/`, then moves `committed/` to `committed-backup/` and `staging/` to `committed/`.
 */
export const VOLUME_CACHE_DIRS = { committed: 'committed', staging: 'staging', backup: 'committed-backup' } as const;

/**
 * [REF] FMT-26: the file name of a layer tar in `committed/` or `staging/`: `<diffID>.tar`, i.e.
 * `sha256:<hex>.tar`. On Windows REF drops the `sha256:` prefix (no colons in file names): `<hex>.tar`.
 */
export function diffIdFileName(diffId: Digest, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `${digestHex(diffId)}.tar` : `${diffId}.tar`;
}

/** The names a layer may have on disk: ours first, then the other platform's form (accepted when reading). */
export function diffIdFileNames(diffId: Digest, platform: NodeJS.Platform = process.platform): string[] {
  const mine = diffIdFileName(diffId, platform);
  const other = diffIdFileName(diffId, platform === 'win32' ? 'linux' : 'win32');
  return mine === other ? [mine] : [mine, other];
}

/** What `prepareVolume` found and did. */
export interface PrepareResult {
  /** True when `committed/` was missing and restored from `committed-backup/` (an interrupted commit). */
  readonly rolledBack: boolean;
  /** The directory readers should use: `committed/`, or `committed-backup/` in a read-only recovery. */
  readonly committedDir: string;
}

/**
 * Opens a cache directory the way REF does (empty `staging/`, no `committed-backup/`, `committed/` present),
 * plus crash recovery REF lacks: a commit interrupted after `committed/` became `committed-backup/` but before
 * `staging/` became `committed/` leaves no `committed/`; the backup is then renamed back, so the last good
 * cache is read (REF would delete the backup and start empty). ERR_CACHE when `dir` does not exist.
 * With `readOnly` nothing is written (a read-only mount, a restorer without write access): an interrupted
 * commit is then read straight from `committed-backup/`.
 */
export async function prepareVolume(dir: string, logger?: Logger, options: { readOnly?: boolean } = {}): Promise<PrepareResult> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new LifecycleError('ERR_CACHE', `cache directory ${dir} is not a directory`);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new LifecycleError('ERR_CACHE', `cache directory ${dir} does not exist`);
    throw e;
  }
  const committed = join(dir, VOLUME_CACHE_DIRS.committed);
  const backup = join(dir, VOLUME_CACHE_DIRS.backup);
  const staging = join(dir, VOLUME_CACHE_DIRS.staging);
  if (options.readOnly) {
    const useBackup = !(await exists(committed)) && (await exists(backup));
    return { rolledBack: false, committedDir: useBackup ? backup : committed };
  }
  let rolledBack = false;
  if (!(await exists(committed)) && (await exists(backup))) {
    await renameDurable(backup, committed);
    rolledBack = true;
    logger?.warn(`cache ${dir}: an earlier commit was interrupted; restored ${VOLUME_CACHE_DIRS.backup}/ as ${VOLUME_CACHE_DIRS.committed}/`);
  }
  await removeQuietly(backup);
  await removeQuietly(staging);
  await mkdir(staging, { recursive: true });
  await mkdir(committed, { recursive: true });
  return { rolledBack, committedDir: committed };
}
