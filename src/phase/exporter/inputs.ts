import { join } from 'node:path';
import { LifecycleError, wrapError } from '../../errors/index.js';
import { ComputedImage, type Image, type ImageStore, type MutableConfig } from '../../image/index.js';
import { findLayoutImage, OciLayout } from '../../layout/index.js';
import { isDigest, type Digest } from '../../oci/index.js';
import {
  capabilitiesFor,
  buildMetadataPath,
  readAnalyzed,
  readBuildMetadata,
  readGroup,
  readProjectMetadata,
  type Analyzed,
  type BuildMetadata,
  type Group,
  type ProjectMetadata,
  type RunImageRecord,
} from '../../platform/index.js';
import { once } from '../../stream/index.js';
import { runImageForExport } from '../common/index.js';
import { extendedBase, openExtendedRun } from './extended-run.js';
import type { ExporterPorts, ExportInputs } from './types.js';

/** Everything the export reads before planning (DESIGN §6.7 step 2); no layer bytes. */
export interface LoadedInputs {
  readonly analyzed: Analyzed;
  readonly group: Group;
  readonly metadata: BuildMetadata;
  readonly project: ProjectMetadata;
  /** The image the app image is based on (EP-04): the run image or `<extended>/run`. */
  readonly base: Image;
  /** LBL-05: topLayer (of the original run image), reference, image and mirrors (RI-02). */
  readonly runImage: RunImageRecord;
  /** The previous image, opened on first use (its config only, for reuse by diffID). */
  readonly previous: () => Promise<Image | undefined>;
}

/** Opens `<dir>` (an OCI layout) and returns its only (or ref-named) image. */
async function layoutAt(dir: string, digest?: Digest): Promise<Image | undefined> {
  const layout = await OciLayout.open(dir);
  return layout ? findLayoutImage(layout, digest ? { digest } : {}) : undefined;
}

/**
 * Opens an image recorded in analyzed.toml: a digest or tag reference in the store, or, for a layout
 * export, a layout path (`/…/<repo>/<tag>[@sha256:…]`, FMT-25 as [REF] records it).
 */
export async function openRecorded(store: ImageStore, reference: string): Promise<Image | undefined> {
  if (reference.startsWith('/')) {
    const at = reference.lastIndexOf('@');
    const digest = at > 0 ? reference.slice(at + 1) : undefined;
    return layoutAt(at > 0 ? reference.slice(0, at) : reference, digest && isDigest(digest) ? digest : undefined);
  }
  return store.image(reference);
}

/**
 * A daemon run image as a base to compose on, without its manifest: a daemon has none, and synthesizing one
 * needs a `save` of the whole image (src/daemon README). The daemon store writes from the config and the
 * layers only (run image layers are sent as placeholders), so with this nothing is saved from the daemon
 * (EP-29: export without reading the daemon). Config and layers are the image's own, unchanged.
 */
function daemonBase(image: Image): Image {
  return new ComputedImage(async () => ({
    mediaType: await image.mediaType(),
    config: structuredClone(await image.config()) as MutableConfig,
    slots: (await image.layers()).map((layer) => ({ layer })),
  }));
}

/** Reads analyzed.toml, group.toml, metadata.toml, project-metadata.toml; opens the run image lazily. */
export async function loadInputs(i: ExportInputs, ports: ExporterPorts): Promise<LoadedInputs> {
  const analyzed = await readAnalyzed(i.analyzedPath);
  const group = await readGroup(i.groupPath); // VER-04: an unsupported buildpack API exits 12
  const metadata = await readBuildMetadata(buildMetadataPath(i.layersDir)).catch((e: unknown) => {
    throw wrapError(e, 'ERR_EXPORT', 'failed to read build metadata');
  });
  const project = await readProjectMetadata(i.projectMetadataPath); // FMT-10: {} when absent
  const reference = analyzed.runImage?.reference ?? '';
  if (reference === '') throw new LifecycleError('ERR_INVALID_ARGS', `run image not found in analyzed metadata ${i.analyzedPath}`); // EP-02
  const openRun = ports.openRunImage ?? ((r: string) => openRecorded(ports.store, r));
  const run = await openRun(reference).catch((e: unknown) => {
    throw wrapError(e, 'ERR_EXPORT', `failed to read run image ${reference}`);
  });
  if (!run) throw new LifecycleError('ERR_EXPORT', `run image ${reference} not found`);
  let base: Image = ports.store.kind === 'daemon' ? daemonBase(run) : run;
  if (i.platformApi.atLeast('0.12') && analyzed.runImage?.extend && i.extendedDir) {
    // EP-04: run image layers, then the extension layers, under the extended config
    const ext = await openExtendedRun(join(i.extendedDir, 'run'));
    if (ext) {
      ports.logger.debug(`Using extended run image ${ext.dir}`);
      base = await extendedBase(base, ext, reference, capabilitiesFor(i.platformApi).history);
    }
  }
  const ids = (await run.config()).rootfs.diff_ids;
  const entry = await runImageForExport({
    platformApi: i.platformApi,
    runPath: i.runPath,
    stackPath: i.stackPath,
    runImageName: analyzed.runImage?.image,
    extensionsUsed: group.groupExtensions.length > 0,
  });
  const runImage: RunImageRecord = {
    topLayer: ids[ids.length - 1] ?? '', // LBL-05: of the original base, below any extension layers
    reference,
    ...(entry?.image ? { image: entry.image } : {}),
    ...(entry?.mirrors.length ? { mirrors: entry.mirrors } : {}),
  };
  const prevRef = analyzed.previousImage?.reference ?? '';
  const openPrev = ports.openPreviousImage ?? ((r: string) => openRecorded(ports.store, r));
  const previous = once(async () => {
    if (prevRef === '') return undefined;
    try {
      return await openPrev(prevRef);
    } catch (e) {
      ports.logger.warn(`previous image ${prevRef} is unreadable: ${(e as Error).message}`);
      return undefined;
    }
  });
  return { analyzed, group, metadata, project, base, runImage, previous };
}
