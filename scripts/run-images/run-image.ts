/**
 * The part every generated run image shares: start from an empty image, append the layers, set the run-image
 * config (Env PATH, User, labels of the CNB base-image contract: io.buildpacks.base.distro.*, rebasable) and a
 * constant `created`, so the same inputs always give the same image ID and manifest digest.
 */
import { appendLayers, editConfig, emptyImage, setCreated, type Image, type Layer } from '../../src/image/index.js';
import { NORMALIZED_TIME } from '../../src/sys/index.js';

/** The PATH of every generated run image. */
export const RUN_IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The non-root user of every generated run image (CNB_USER_ID / CNB_GROUP_ID of the demo and tests). */
export const CNB_UID = 1000;
export const CNB_GID = 1000;

/** What makes one run image different from another. */
export interface RunImageSpec {
  /** io.buildpacks.base.distro.name (e.g. "busybox", "debian"). */
  readonly distroName: string;
  /** io.buildpacks.base.distro.version (e.g. "1.35.0", "12"). */
  readonly distroVersion: string;
  /** History text of each layer, in order (created_by). */
  readonly layers: readonly { readonly layer: Layer; readonly createdBy: string }[];
  /** Extra labels (e.g. a revision, so a "new version" of the run image differs). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The OCI architecture of this machine (amd64, arm64, ...). */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** Builds the run image (lazy; nothing is written until a store writes it). */
export function runImage(spec: RunImageSpec): Image {
  const base = emptyImage({ os: 'linux', architecture: hostArchitecture() });
  const withLayers = appendLayers(
    base,
    spec.layers.map((l) => ({ layer: l.layer, history: { created_by: l.createdBy } })),
  );
  const configured = editConfig(withLayers, (c) => {
    c.config = {
      User: `${CNB_UID}:${CNB_GID}`,
      Env: [`PATH=${RUN_IMAGE_PATH}`],
      Labels: {
        'io.buildpacks.base.distro.name': spec.distroName,
        'io.buildpacks.base.distro.version': spec.distroVersion,
        'io.buildpacks.rebasable': 'true',
        // Platform API < 0.12 reads the stack id (RB-10); harmless for newer ones.
        'io.buildpacks.stack.id': `io.buildpacks.samples.${spec.distroName}`,
        ...(spec.labels ?? {}),
      },
    };
  });
  return setCreated(configured, NORMALIZED_TIME, { history: true });
}
