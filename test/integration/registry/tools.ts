/** Small wrappers around the real peers (skopeo, oci-image-tool, umoci) for the registry tests. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { RegistryServer } from '../../helpers/registry-server.js';

export function skopeo(args: string[]): Buffer {
  return execFileSync('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** `skopeo inspect --raw` of `ref` on `reg`, and the sha256 digest of those bytes. */
export function inspectRaw(reg: RegistryServer, ref: string): { raw: Buffer; digest: string } {
  const raw = skopeo(['inspect', '--raw', ...reg.skopeoArgs('inspect'), `docker://${ref}`]);
  return { raw, digest: `sha256:${createHash('sha256').update(raw).digest('hex')}` };
}

/** Copies `ref` into an OCI layout at `dir:tag` with skopeo and validates it with oci-image-tool. */
export function copyAndValidate(reg: RegistryServer, ref: string, dir: string, tag = 'latest'): void {
  skopeo(['copy', '--quiet', ...reg.skopeoArgs('src'), `docker://${ref}`, `oci:${dir}:${tag}`]);
  execFileSync('oci-image-tool', ['validate', '--type', 'image', '--ref', `name=${tag}`, dir], { stdio: 'pipe' });
}
