import { LifecycleError } from '../../errors/index.js';
import type { PlatformWant } from '../../image/index.js';
import { parseRef } from '../../ref/index.js';

/** AN-01/AN-02/EP-01: `ref` must parse (when given); ERR_INVALID_ARGS (exit 3) naming `what` and the reference. */
export function validateRef(what: string, ref: string | undefined): void {
  if (ref === undefined || ref === '') return;
  try {
    parseRef(ref);
  } catch (e) {
    throw new LifecycleError('ERR_INVALID_ARGS', `${what}: ${(e as Error).message}`);
  }
}

/** AN-03/EP-01 [REF]: every destination (image and tags) on one registry, else "writing to multiple registries is unsupported" (exit 3). */
export function ensureSameRegistry(refs: readonly string[]): void {
  const registries = new Set(refs.map((r) => parseRef(r).registry));
  if (registries.size > 1) throw new LifecycleError('ERR_INVALID_ARGS', 'writing to multiple registries is unsupported');
}

/** The platform of this process (Node arch names mapped to OCI ones), for picking a manifest out of an index. */
export function hostPlatform(arch: string = process.arch, platform: string = process.platform): PlatformWant {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: platform === 'win32' ? 'windows' : 'linux', architecture: map[arch] ?? arch };
}
