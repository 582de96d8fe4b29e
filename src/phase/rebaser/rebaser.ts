import { LifecycleError } from '../../errors/index.js';
import type { Image, ImageStore } from '../../image/index.js';
import { decodeLifecycleLabel, emptyLifecycleMetadata, Labels, ApiVersion, type LifecycleMetadata, type Report } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { everyImageReadable, imageIdentifier, labelsOf, type ReadAccessChecker } from '../common/index.js';
import { composeRebased } from './compose.js';
import { updateMetadata } from './metadata-update.js';
import { chooseRunImage } from './run-image-choice.js';
import { checkStack } from './stack-checks.js';
import { checkTargets, envOf } from './target-checks.js';

/** The ports and settings of a Rebaser (injected; DESIGN §5.8). */
export interface RebaserOptions {
  readonly platformApi: ApiVersion;
  /** Where the app image, the run image and the output live (registry, layout or daemon). */
  readonly store: ImageStore;
  readonly logger: Logger;
  /** RI-01 read-access check of a run image candidate; default: every candidate is readable (daemon, layout). */
  readonly canRead?: ReadAccessChecker;
  readonly signal?: AbortSignal;
}

/** The platform's request (§3.9 inputs). */
export interface RebaseRequest {
  /** `<image>...`: the first is the output, the others additional tags (RB-01). */
  readonly images: readonly string[];
  /** `-previous-image` (≥0.11, RB-02): the source app image when it is not the first `<image>`. */
  readonly previousImage?: string | undefined;
  /** `-run-image` (RB-04): the new run image; otherwise resolved from the app image label. */
  readonly runImage?: string | undefined;
  /** `-force` (≥0.12, RB-03, RB-08, RB-09). */
  readonly force?: boolean | undefined;
}

/** The result of `prepare`: the source app image read and the run image chosen (nothing written yet). */
export interface PreparedRebase {
  readonly request: RebaseRequest;
  /** The reference the app image was read from (RB-02). */
  readonly source: string;
  readonly app: Image;
  readonly metadata: LifecycleMetadata;
  /** The new run image reference (RB-04). */
  readonly runImage: string;
}

/** What `rebase` wrote. */
export interface RebaseResult {
  /** report.toml content (FMT-REPORT, RB-11). */
  readonly report: Report;
  /** The rebased image (lazy; already written). */
  readonly image: Image;
}

const hex = (id: string) => id.replace(/^sha256:/, '');

/**
 * The rebaser service (§3.9). `prepare` reads the app image and resolves the run image (manifest and config
 * only), so the command can do it before dropping privileges; `rebase` checks, composes the new image from
 * manifests and configs and writes it to every tag: registry layers are skipped (present) or mounted, never
 * downloaded or uploaded.
 */
export class Rebaser {
  constructor(private readonly o: RebaserOptions) {}

  /** RB-02, RB-04: reads the source app image and its label; picks the new run image. */
  async prepare(request: RebaseRequest): Promise<PreparedRebase> {
    const first = request.images[0];
    if (first === undefined) throw new LifecycleError('ERR_INVALID_ARGS', 'at least one image argument is required');
    const source = request.previousImage || first;
    const app = await this.o.store.image(source, { signal: this.o.signal });
    if (!app) throw new LifecycleError('ERR_REBASE', `access image to rebase: image '${source}' not found`);
    const label = labelsOf(await app.config())[Labels.lifecycleMetadata];
    const metadata = label ? decodeLifecycleLabel(label, source) : emptyLifecycleMetadata();
    const runImage = await chooseRunImage({
      runImage: request.runImage,
      metadata,
      appRef: source,
      platformApi: this.o.platformApi,
      canRead: this.o.canRead ?? everyImageReadable,
    });
    return { request, source, app, metadata, runImage };
  }

  /** RB-03, RB-05..RB-12: checks, composes and writes the rebased image; returns report.toml's content. */
  async rebase(p: PreparedRebase): Promise<RebaseResult> {
    const { store, logger, platformApi } = this.o;
    const force = platformApi.atLeast('0.12') && p.request.force === true;
    const newBase = await store.image(p.runImage, { signal: this.o.signal });
    if (!newBase) throw new LifecycleError('ERR_GENERIC', `access run image: image '${p.runImage}' not found`);
    const [appConfig, baseConfig] = await Promise.all([p.app.config(), newBase.config()]);

    const appApi = ApiVersion.tryParse(envOf(appConfig, 'CNB_PLATFORM_API') || undefined);
    if (!appApi || appApi.lessThan('0.12')) checkStack(appConfig, baseConfig); // RB-10
    else checkTargets(appConfig, baseConfig, force, logger); // RB-03, RB-08, RB-09

    const topLayer = baseConfig.rootfs.diff_ids.at(-1);
    if (!topLayer) throw new LifecycleError('ERR_REBASE', `get rebase run image top layer SHA: run image '${p.runImage}' has no layers`);
    const reference = await imageIdentifier(store, p.runImage, newBase); // RB-06, LBL-05
    const metadata = updateMetadata(p.metadata, { name: p.runImage, topLayer, reference }, { platformApi, force, logger });

    logger.info(`Rebasing ${p.source} on run image ${p.runImage}`);
    const image = composeRebased(p.app, newBase, {
      oldTopLayer: p.metadata.runImage.topLayer,
      metadata,
      newBaseLabels: labelsOf(baseConfig),
      platformApi,
      what: p.source,
    });
    await image.config(); // surface composition errors (RB-05) before anything is written
    const written = await store.write(image, p.request.images, this.o.signal);
    const report: Report = {
      image: {
        tags: [...p.request.images],
        ...(store.kind === 'daemon' ? { imageId: written.imageId } : {}),
        ...(store.kind !== 'daemon' && written.digest ? { digest: written.digest } : {}),
        ...(store.kind !== 'daemon' && written.manifestSize ? { manifestSize: written.manifestSize } : {}),
      },
    };
    logger.info(`*** Images (${store.kind === 'daemon' ? hex(written.imageId).slice(0, 12) : written.digest}):`);
    for (const t of p.request.images) logger.info(`      ${t}`);
    return { report, image };
  }
}
