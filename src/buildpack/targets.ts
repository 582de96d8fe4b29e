import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fields, TargetMetadata } from '../platform/index.js';

/** A distribution a buildpack supports (`[[targets.distros]]`); empty fields match anything. */
export interface TargetDistro {
  readonly name: string;
  readonly version: string;
}

/** One `[[targets]]` entry of buildpack.toml / extension.toml (BP≥0.10); empty fields match anything. */
export interface BuildpackTarget {
  readonly os: string;
  readonly arch: string;
  /** `variant` (spec) or `arch-variant` (REF), ERRATA-04. */
  readonly archVariant: string;
  readonly distros: readonly TargetDistro[];
}

/** A deprecated `[[stacks]]` entry (BP<0.10). */
export interface StackEntry {
  readonly id: string;
  readonly mixins: readonly string[];
}

/** Reads `[[targets]]`, accepting `variant` and `arch-variant` (ERRATA-04). */
export function targetsFrom(f: Fields): BuildpackTarget[] {
  return f.tables('targets').map((t) => ({
    os: t.optString('os') ?? '',
    arch: t.optString('arch') ?? '',
    archVariant: t.optString('arch-variant') ?? t.optString('variant') ?? '',
    distros: t.tables('distros').map((d) => ({ name: d.optString('name') ?? '', version: d.optString('version') ?? '' })),
  }));
}

/** Reads deprecated `[[stacks]]`. */
export function stacksFrom(f: Fields): StackEntry[] {
  return f.tables('stacks').map((s) => ({ id: s.optString('id') ?? '', mixins: s.stringArray('mixins') }));
}

/**
 * FMT-21: the targets used when `[[targets]]` is empty. Stacks translate first (bionic → linux/amd64
 * ubuntu 18.04, `*` → match any); otherwise `bin/build` implies linux and `bin/build.bat|.exe` windows.
 * A composite buildpack (no bin/) gets none, which matches any target.
 */
export async function inferTargets(dir: string, stacks: readonly StackEntry[]): Promise<BuildpackTarget[]> {
  const out: BuildpackTarget[] = [];
  for (const s of stacks) {
    if (s.id === 'io.buildpacks.stacks.bionic') {
      out.push({ os: 'linux', arch: 'amd64', archVariant: '', distros: [{ name: 'ubuntu', version: '18.04' }] });
    } else if (s.id === '*') {
      out.push({ os: '', arch: '', archVariant: '', distros: [] });
    }
  }
  if (out.length > 0) return out;
  let names: string[] = [];
  try {
    names = (await readdir(join(dir, 'bin'))).sort();
  } catch {
    return out;
  }
  if (names.includes('build')) out.push({ os: 'linux', arch: '', archVariant: '', distros: [] });
  if (names.includes('build.bat') || names.includes('build.exe')) out.push({ os: 'windows', arch: '', archVariant: '', distros: [] });
  return out;
}

const matches = (a: string | undefined, b: string | undefined) => !a || !b || a === b;

/**
 * DT-23: true when a buildpack target satisfies the base (run image) target: os, arch and variant equal or
 * empty on either side; if the buildpack lists distros, one must match name and version (empty matches
 * anything), and [REF] a base without distro then does not match.
 */
export function targetSatisfies(base: TargetMetadata, t: BuildpackTarget): boolean {
  if (!matches(base.os, t.os) || !matches(base.arch, t.arch) || !matches(base.archVariant, t.archVariant)) return false;
  if (t.distros.length === 0) return true;
  if (!base.distro) return false;
  const d = base.distro;
  return t.distros.some((x) => matches(x.name, d.name) && matches(x.version, d.version));
}

/** DT-22: true when any target matches; an empty list (composite, or nothing inferable) matches any. */
export function anyTargetSatisfies(base: TargetMetadata, targets: readonly BuildpackTarget[]): boolean {
  return targets.length === 0 || targets.some((t) => targetSatisfies(base, t));
}
