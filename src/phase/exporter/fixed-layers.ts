import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dirEntries, type TarEntry } from '../../archive/index.js';
import { wrapError } from '../../errors/index.js';
import type { LayerSpec } from './layer-builder.js';

/** The in-image path of the launcher (EP-09, GEN-14). */
export const LAUNCHER_PATH = '/cnb/lifecycle/launcher';
/** The directory of the process-type symlinks (EP-09, PR-02). */
export const PROCESS_DIR = '/cnb/process';

const rootDir = (path: string): TarEntry => ({ path, type: 'directory', mode: 0o755, uid: 0, gid: 0 });

/**
 * EP-09 [REF]: `/cnb/lifecycle/launcher` = the contents of `-launcher`, mode 0755, root-owned, under
 * root-owned 0755 `/cnb` and `/cnb/lifecycle` (LY-29).
 */
export async function launcherLayerSpec(launcherPath: string): Promise<LayerSpec> {
  let size: number;
  try {
    const st = await stat(launcherPath);
    size = st.size;
  } catch (e) {
    throw wrapError(e, 'ERR_EXPORT', `failed to read launcher ${launcherPath}`);
  }
  return {
    key: 'launcher',
    entries: () => [
      rootDir('/cnb'),
      rootDir('/cnb/lifecycle'),
      { path: LAUNCHER_PATH, type: 'file', mode: 0o755, uid: 0, gid: 0, size, source: launcherPath },
    ],
  };
}

/** EP-09 [REF], PR-02: one symlink `/cnb/process/<type>` → `/cnb/lifecycle/launcher` per process, sorted. */
export function processTypesLayerSpec(types: readonly string[]): LayerSpec {
  const sorted = [...new Set(types)].sort();
  return {
    key: 'process-types',
    entries: () => [
      rootDir('/cnb'),
      rootDir(PROCESS_DIR),
      ...sorted.map((t): TarEntry => ({ path: `${PROCESS_DIR}/${t}`, type: 'symlink', mode: 0o777, uid: 0, gid: 0, linkname: LAUNCHER_PATH })),
    ],
  };
}

/**
 * A layer of one directory with absolute in-tar paths and its parents (EP-05, EP-10, EP-11, EP-21):
 * contents owned by uid:gid (LY-29), parents with their on-disk owner.
 */
export function dirLayerSpec(key: string, dir: string, uid: number, gid: number, extra: Partial<LayerSpec> = {}): LayerSpec {
  return { key, entries: () => dirEntries(dir, { uid, gid }), ...extra };
}

/** The `<layers>/sbom/launch` directory when it exists (EP-11), else undefined. */
export async function launchSbomDir(layersDir: string): Promise<string | undefined> {
  const dir = join(layersDir, 'sbom', 'launch');
  const st = await stat(dir).catch(() => undefined);
  return st?.isDirectory() ? dir : undefined;
}
