import type { ImageConfig } from '../../oci/index.js';
import { BIONIC_STACK_ID, bionicTarget, Labels, type TargetMetadata } from '../../platform/index.js';

/** The labels of an image config (`config.Labels`), never undefined. */
export function labelsOf(config: ImageConfig): Readonly<Record<string, string>> {
  return (config.config?.Labels as Readonly<Record<string, string>> | undefined) ?? {};
}

/**
 * AN-12 / FMT-07: the target data of an image from its config and labels, as [REF] reads it:
 * - `os`, `arch` (config `architecture`) and `archVariant` (config `variant`);
 * - `distro` from `io.buildpacks.base.distro.name`/`.version` when either label is present;
 * - `id` from `io.buildpacks.base.id` (ERRATA-04);
 * - FMT-07: with no distro labels and `io.buildpacks.stack.id = io.buildpacks.stacks.bionic`, the distro is
 *   ubuntu 18.04 and an empty os/arch becomes linux/amd64 (ERRATA-05).
 * An empty `os` is returned as is: the analyzer fails on it (AN-13), other phases decide for themselves.
 */
export function targetFromImageConfig(config: ImageConfig): TargetMetadata {
  const labels = labelsOf(config);
  const name = labels[Labels.baseDistroName];
  const version = labels[Labels.baseDistroVersion];
  const id = labels[Labels.baseId];
  let os = config.os ?? '';
  let arch = config.architecture ?? '';
  let distro = name !== undefined || version !== undefined ? { name: name ?? '', version: version ?? '' } : undefined;
  if (!distro && labels[Labels.stackId] === BIONIC_STACK_ID) {
    const b = bionicTarget();
    distro = b.distro;
    if (os === '') os = b.os;
    if (arch === '') arch = b.arch;
  }
  return {
    ...(id ? { id } : {}),
    os,
    arch,
    ...(config.variant ? { archVariant: config.variant } : {}),
    ...(distro ? { distro } : {}),
  };
}
