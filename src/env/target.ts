import { readFile } from 'node:fs/promises';
import type { TargetMetadata } from '../platform/index.js';

/** `ID` and `VERSION_ID` of an os-release file. */
export interface OsRelease {
  readonly name: string;
  readonly version: string;
}

/** Parses os-release text (`KEY=value`, optionally quoted) into its `ID` and `VERSION_ID`. */
export function parseOsRelease(text: string): OsRelease {
  const vals: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    vals[m[1]!] = v;
  }
  return { name: vals['ID'] ?? '', version: vals['VERSION_ID'] ?? '' };
}

/**
 * Reads an os-release file; undefined when it does not exist or cannot be read, and always on Windows,
 * where a Linux-looking /etc/os-release (e.g. the host's, seen through wine) says nothing about the target.
 */
export async function readOsRelease(path = '/etc/os-release', platform: NodeJS.Platform = process.platform): Promise<OsRelease | undefined> {
  if (platform === 'win32') return undefined;
  try {
    return parseOsRelease(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Node's `process.arch` as an OCI/Go architecture name (x64 → amd64, ia32 → 386, ...). */
export function ociArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
  return map[nodeArch] ?? nodeArch;
}

/**
 * ENV-01 / DT-23 [REF]: when the run image target has no distro, it is completed from the build
 * container's os-release (if there is one): os defaults to linux, arch to the host architecture, and the
 * distro is `ID`/`VERSION_ID` when either is non-empty. Without os-release the target is returned as is.
 */
export function completeTarget(target: TargetMetadata | undefined, osRelease: OsRelease | undefined, hostArch: string = ociArch()): TargetMetadata {
  const t: TargetMetadata = target ?? { os: '', arch: '' };
  if (t.distro || !osRelease) return t;
  return {
    ...t,
    os: t.os || 'linux',
    arch: t.arch || hostArch,
    ...(osRelease.name || osRelease.version ? { distro: { name: osRelease.name, version: osRelease.version } } : {}),
  };
}
