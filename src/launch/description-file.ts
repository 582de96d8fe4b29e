import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnvOs } from '../env/index.js';
import { LifecycleError } from '../errors/index.js';
import { buildMetadataPath, readBuildMetadata } from '../platform/index.js';
import { writeFileAtomic } from '../sys/index.js';
import { buildLaunchDescription } from './build-description.js';
import { decodeLaunchDescription, encodeLaunchDescription } from './codec.js';
import { LAUNCH_DESCRIPTION_PATH, type LaunchDescription } from './description.js';
import { findLaunchLayers, type LaunchLayerRef } from './launch-layers.js';

/** `<layers>/config/launch.desc`, next to metadata.toml, so it travels in the config layer (EP-10). */
export function launchDescriptionPath(layersDir: string): string {
  return join(layersDir, ...LAUNCH_DESCRIPTION_PATH.split('/'));
}

/** Writes the encoded description atomically (mode 0644). */
export async function writeLaunchDescription(layersDir: string, d: LaunchDescription): Promise<void> {
  await writeFileAtomic(launchDescriptionPath(layersDir), encodeLaunchDescription(d), 0o644);
}

/** Reads and decodes `<layers>/config/launch.desc` (ERR_IO when missing, ERR_LAUNCH when malformed). */
export async function readLaunchDescription(layersDir: string): Promise<LaunchDescription> {
  const file = launchDescriptionPath(layersDir);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new LifecycleError('ERR_IO', `failed to read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return decodeLaunchDescription(bytes);
}

/** Options of `prepareLaunchDescription`. */
export interface PrepareLaunchOptions {
  readonly layersDir: string;
  readonly appDir: string;
  /** The exporter's launch layers; default: `findLaunchLayers` over `<layers>/<bp>/<layer>.toml`. */
  readonly launchLayers?: readonly LaunchLayerRef[];
  readonly os?: EnvOs;
}

/**
 * The exporter's one call, before it tars `<layers>/config`: reads metadata.toml, builds the description
 * from the launch layers and writes `<layers>/config/launch.desc`. Returns the description.
 */
export async function prepareLaunchDescription(o: PrepareLaunchOptions): Promise<LaunchDescription> {
  const metadata = await readBuildMetadata(buildMetadataPath(o.layersDir));
  const launchLayers = o.launchLayers ?? (await findLaunchLayers(o.layersDir, metadata.buildpacks.map((b) => b.id)));
  const d = await buildLaunchDescription({ layersDir: o.layersDir, appDir: o.appDir, metadata, launchLayers, ...(o.os ? { os: o.os } : {}) });
  await writeLaunchDescription(o.layersDir, d);
  return d;
}
