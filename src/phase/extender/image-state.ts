import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../../errors/index.js';
import { OciLayout } from '../../layout/index.js';
import type { LayerFile } from '../../layer/index.js';
import { isIndexType, isManifestType, MediaTypes, sha256Digest, type Descriptor, type Digest } from '../../oci/index.js';

/** A raw JSON object (unknown keys are kept, so base images round-trip). */
export type Json = Record<string, any>;

/**
 * The image being extended: the base manifest and config as raw JSON, plus the layers the extender added.
 * `config` is edited in place by the Dockerfile executor (its `config` section: Env, User, Labels, ...).
 */
export interface ImageState {
  readonly manifest: Json;
  readonly config: Json;
  /** Layers added on top of the base, in order, with their history text. */
  readonly added: { readonly file: LayerFile; readonly createdBy: string }[];
}

/** The container config section (`config.config`), created when absent. */
export function containerConfig(s: ImageState): Json {
  s.config['config'] ??= {};
  return s.config['config'] as Json;
}

/**
 * Reads the image to extend from `<kaniko-dir>/cache/base/<digest>` (RS-12, RS-15: a sparse OCI layout the
 * restorer wrote, manifest and config only), `reference` being a digest reference from `<analyzed>`.
 * ERR_EXTEND when the reference has no digest or the layout is missing or invalid.
 */
export async function readBaseImage(kanikoDir: string, reference: string): Promise<{ state: ImageState; digest: Digest }> {
  const at = reference.lastIndexOf('@');
  const digest = at >= 0 ? reference.slice(at + 1) : '';
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new LifecycleError('ERR_EXTEND', `failed to get digest for reference '${reference}': not a digest reference`);
  const dir = join(kanikoDir, 'cache', 'base', digest);
  const layout = await OciLayout.open(dir);
  if (!layout) throw new LifecycleError('ERR_EXTEND', `getting base image for digest '${reference}': no OCI layout at ${dir}`);
  const index = await layout.readIndex();
  let desc: Descriptor | undefined = index.manifests.find((m) => m.digest === digest) ?? index.manifests.find((m) => isManifestType(m.mediaType));
  if (desc && isIndexType(desc.mediaType)) {
    const inner = JSON.parse((await layout.readBlob(desc)).toString('utf8')) as { manifests: Descriptor[] };
    desc = inner.manifests.find((m) => isManifestType(m.mediaType) && (m.platform?.os ?? 'linux') === 'linux');
  }
  if (!desc) throw new LifecycleError('ERR_EXTEND', `getting base image for digest '${reference}': no image manifest in ${dir}`);
  const manifest = JSON.parse((await layout.readBlob(desc)).toString('utf8')) as Json;
  const config = JSON.parse((await layout.readBlob(manifest['config'] as Descriptor)).toString('utf8')) as Json;
  return { state: { manifest: { ...manifest, mediaType: manifest['mediaType'] ?? desc.mediaType }, config, added: [] }, digest: desc.digest };
}

/**
 * The manifest and config bytes of the extended image: base layers plus the added ones (manifest layers,
 * `rootfs.diff_ids`); history is the base history (replaced by one empty entry per layer when it does not
 * match the layer count, as [REF] imgutil does) plus one entry per added layer,
 * `Layer: '<instruction>', Created by extension: <id>` ([REF]).
 */
export function encodeImage(s: ImageState, created: string): { manifest: Buffer; config: Buffer; manifestDigest: Digest; configDigest: Digest; mediaType: string } {
  const cfg = structuredClone(s.config);
  const baseIds: string[] = cfg['rootfs']?.['diff_ids'] ?? [];
  cfg['rootfs'] = { type: 'layers', diff_ids: [...baseIds, ...s.added.map((a) => a.file.diffId)] };
  const history: Json[] = cfg['history'] ?? [];
  const nonEmpty = history.filter((h) => !h['empty_layer']).length;
  const base = nonEmpty === baseIds.length ? history : baseIds.map(() => ({}));
  cfg['history'] = [...base, ...s.added.map((a) => ({ created, created_by: a.createdBy }))];
  cfg['created'] = created;
  const config = Buffer.from(JSON.stringify(cfg));
  const configDigest = sha256Digest(config);
  const m = structuredClone(s.manifest);
  m['config'] = { ...m['config'], digest: configDigest, size: config.byteLength };
  m['layers'] = [...(m['layers'] ?? []), ...s.added.map((a) => ({ mediaType: a.file.mediaType, digest: a.file.digest, size: a.file.size }))];
  const manifest = Buffer.from(JSON.stringify(m));
  return { manifest, config, manifestDigest: sha256Digest(manifest), configDigest, mediaType: m['mediaType'] as string };
}

/**
 * XT-08: writes the extended run image as a sparse OCI layout at `<extended>/run/<manifest-digest>/` ([REF]:
 * the only entry of `<extended>/run`): index.json with one manifest, the manifest, the config and only the
 * added layers (the base layers stay in the run image). Returns the layout directory.
 */
export async function writeExtendedRun(extendedDir: string, s: ImageState, created: string): Promise<string> {
  const enc = encodeImage(s, created);
  const parent = join(extendedDir, 'run');
  for (const n of await readdir(parent).catch(() => [] as string[])) await rm(join(parent, n), { recursive: true, force: true });
  const dir = join(parent, enc.manifestDigest);
  const layout = await OciLayout.init(dir);
  for (const a of s.added) await layout.writeBlob({ digest: a.file.digest, size: a.file.size }, { copyFrom: a.file.gzPath });
  await layout.writeBlob({ digest: enc.configDigest, size: enc.config.byteLength }, enc.config);
  await layout.writeBlob({ digest: enc.manifestDigest, size: enc.manifest.byteLength }, enc.manifest);
  await layout.writeIndex({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ mediaType: enc.mediaType, digest: enc.manifestDigest as Digest, size: enc.manifest.byteLength }] });
  return dir;
}
