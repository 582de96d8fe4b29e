import type { ImageStore, PlatformWant } from '../../image/index.js';
import type { ApiVersion } from '../../platform/index.js';
import type { RegistryStore } from '../../registry/index.js';
import type { Logger } from '../../sys/index.js';
import type { ReadAccessChecker } from '../common/index.js';

/** The analyzer's resolved inputs (checklist §3.1), validated by the command (AN-01..AN-04, AN-16, AN-17). */
export interface AnalyzerInputs {
  readonly platformApi: ApiVersion;
  /** `<image>`: the app image to be exported (positional). */
  readonly image: string;
  /** `-tag`: additional tags (AN-02, AN-03). */
  readonly tags: readonly string[];
  /** `<previous-image>` (AN-08: defaults to `<image>`). */
  readonly previousImage: string;
  /** `-run-image` when given; otherwise resolved from `<run>` (≥0.12) or `<stack>` (<0.12) (AN-07, RI-01). */
  readonly runImage?: string | undefined;
  readonly runPath?: string | undefined;
  readonly stackPath?: string | undefined;
  /** `<cache-image>`: only its access is checked here (AN-06). */
  readonly cacheImage?: string | undefined;
  readonly layersDir: string;
  /** `<skip-layers>` (AN-14): do not restore the previous image's SBOM layer. */
  readonly skipLayers: boolean;
  /** The platform to pick out of an image index (default linux/amd64). */
  readonly platform?: PlatformWant;
}

/** The ports the analyzer works with (built by the command, src/phase/common openPhaseStores). */
export interface AnalyzerPorts {
  /** Where the app, previous and run images live (registry, daemon or layout). */
  readonly images: ImageStore;
  /** AN-06 access checks (registry only; the cache image is always in a registry). */
  readonly registry: Pick<RegistryStore, 'checkReadAccess' | 'checkWriteAccess'>;
  /** RI-01 read check for run.toml candidates. */
  readonly canRead: ReadAccessChecker;
  readonly logger: Logger;
}
