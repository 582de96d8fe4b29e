import { isDigest, type Digest, type ImageConfig } from '../oci/index.js';
import type { ImageInspect } from './engine.js';
import { daemonError } from './engine-errors.js';

/** Keys of an image config's `config` section (OCI plus Docker's Healthcheck/OnBuild/Shell). */
const CONFIG_KEYS = [
  'User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal',
  'ArgsEscaped', 'Healthcheck', 'OnBuild', 'Shell',
] as const;

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

/** Docker's zero time, sent for images without `created`. */
const GO_ZERO_TIME = /^0001-01-01T00:00:00/;

/** The image ID and diffIDs of an inspect result, validated (ERR_DAEMON naming the daemon and image). */
export function inspectIds(i: ImageInspect, endpoint: string, name: string): { id: Digest; diffIds: Digest[] } {
  if (!isDigest(i.Id)) throw daemonError(endpoint, 'inspect image', name, `Id '${String(i.Id)}' is not a sha256 digest`);
  const layers = i.RootFS?.Layers ?? [];
  if (!Array.isArray(layers) || !layers.every(isDigest)) throw daemonError(endpoint, 'inspect image', name, 'RootFS.Layers has an invalid diffID');
  return { id: i.Id, diffIds: [...layers] };
}

/**
 * The image config as far as `inspect` shows it (cheap: no save). Exact for what phases read — os,
 * architecture, variant, `config` (Env, Labels, User, WorkingDir, Entrypoint, Cmd...), rootfs.diff_ids — but
 * not byte-exact: `history` is absent (inspect does not carry it; podman's history endpoint is unreliable)
 * and Docker's zero-valued container fields are dropped. The exact bytes come from `rawConfig()` (a save).
 */
export function configFromInspect(i: ImageInspect, diffIds: readonly Digest[]): ImageConfig {
  const container: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) {
    const v = i.Config?.[k];
    if (!isEmpty(v)) container[k] = v;
  }
  const out: Record<string, unknown> = {};
  if (i.Created && !GO_ZERO_TIME.test(i.Created)) out['created'] = i.Created;
  if (i.Author) out['author'] = i.Author;
  out['architecture'] = i.Architecture ?? '';
  out['os'] = i.Os ?? '';
  if (i.Variant) out['variant'] = i.Variant;
  if (i.OsVersion) out['os.version'] = i.OsVersion;
  out['config'] = container;
  out['rootfs'] = { type: 'layers', diff_ids: [...diffIds] };
  return out as unknown as ImageConfig;
}
