import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapError } from '../../errors/index.js';

/** LY-18: the SBOM file extensions. */
export const SBOM_EXTENSIONS = ['cdx.json', 'spdx.json', 'syft.json'] as const;

/** The lifecycle's own SBOM directory names under `<layers>/sbom/{build,launch}` (EP-11, EP-24). */
export const LIFECYCLE_SBOM_ID = 'buildpacksio_lifecycle';

async function copyIfPresent(src: string, destDir: string, destName: string): Promise<boolean> {
  try {
    if (!(await stat(src)).isFile()) return false;
    await mkdir(destDir, { recursive: true });
    await copyFile(src, join(destDir, destName));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw wrapError(e, 'ERR_EXPORT', `failed to copy SBOM ${src}`);
  }
}

/**
 * EP-11, EP-24, ERRATA-26 (≥0.11): copies `<launcher-sbom>/lifecycle.sbom.<ext>` to
 * `<layers>/sbom/build/buildpacksio_lifecycle/sbom.<ext>` and `<launcher-sbom>/launcher.sbom.<ext>` to
 * `<layers>/sbom/launch/buildpacksio_lifecycle/launcher/sbom.<ext>` (`<launcher-sbom>` defaults to
 * /cnb/lifecycle). With a non-default directory, every other `*.sbom.{cdx,spdx,syft}.json` there is also
 * copied under its own name into the launcher's SBOM directory (our reading of [REF], spec/ERRATA.md).
 * Missing files are skipped.
 */
export async function copyLifecycleSboms(layersDir: string, sbomDir: string, isDefaultDir: boolean): Promise<void> {
  const buildDest = join(layersDir, 'sbom', 'build', LIFECYCLE_SBOM_ID);
  const launchDest = join(layersDir, 'sbom', 'launch', LIFECYCLE_SBOM_ID, 'launcher');
  for (const ext of SBOM_EXTENSIONS) {
    await copyIfPresent(join(sbomDir, `lifecycle.sbom.${ext}`), buildDest, `sbom.${ext}`);
    await copyIfPresent(join(sbomDir, `launcher.sbom.${ext}`), launchDest, `sbom.${ext}`);
  }
  if (isDefaultDir) return;
  let names: string[];
  try {
    names = await readdir(sbomDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw wrapError(e, 'ERR_EXPORT', `failed to read launcher SBOM dir ${sbomDir}`);
  }
  for (const n of names.sort()) {
    if (n.startsWith('lifecycle.sbom.') || n.startsWith('launcher.sbom.')) continue;
    if (SBOM_EXTENSIONS.some((ext) => n.endsWith(`.sbom.${ext}`))) await copyIfPresent(join(sbomDir, n), launchDest, n);
  }
}
