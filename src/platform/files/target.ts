import type { Fields } from './fields.js';

/** Target data of an image (FMT-AN `[run-image.target]`, buildpack.toml `[[targets]]`). */
export interface TargetMetadata {
  /** `io.buildpacks.base.id` ([REF] still written, ERRATA-04). */
  readonly id?: string;
  readonly os: string;
  readonly arch: string;
  readonly archVariant?: string;
  readonly distro?: { readonly name: string; readonly version: string };
}

/**
 * Reads target data accepting every form seen in the wild: `variant` (spec) or `arch-variant` (REF),
 * `[distro]` (spec) or `[distribution]` (REF). See spec/ERRATA.md (ERRATA-04, ERRATA-D1).
 */
export function readTarget(f: Fields): TargetMetadata {
  const d = f.optTable('distro') ?? f.optTable('distribution');
  const variant = f.optString('arch-variant') ?? f.optString('variant');
  const id = f.optString('id');
  return {
    ...(id ? { id } : {}),
    os: f.optString('os') ?? '',
    arch: f.optString('arch') ?? '',
    ...(variant ? { archVariant: variant } : {}),
    ...(d ? { distro: { name: d.optString('name') ?? '', version: d.optString('version') ?? '' } } : {}),
  };
}

/** Writes target data with REF's keys (`arch-variant`, `distribution`) so REF phases read it back. */
export function targetToToml(t: TargetMetadata): Record<string, unknown> {
  return {
    ...(t.id ? { id: t.id } : {}),
    os: t.os,
    arch: t.arch,
    ...(t.archVariant ? { 'arch-variant': t.archVariant } : {}),
    ...(t.distro ? { distribution: { name: t.distro.name, version: t.distro.version } } : {}),
  };
}

/** FMT-07: the bionic stack ID implies linux/amd64 ubuntu 18.04 when the image has no target data (ERRATA-05). */
export const BIONIC_STACK_ID = 'io.buildpacks.stacks.bionic';
export function bionicTarget(): TargetMetadata {
  return { os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '18.04' } };
}
