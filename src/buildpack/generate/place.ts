import { cp, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { wrapError } from '../../errors/index.js';
import type { ApiVersion } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { escapeId } from '../paths.js';
import type { DockerfileInfo } from './dockerfiles.js';
import type { GenerateOutputs } from './outputs.js';

/** Where the extender finds one extension's Dockerfile of `kind` (XT-01, GE-13). */
export function generatedDockerfilePath(generatedDir: string, extId: string, kind: 'build' | 'run', platformApi: ApiVersion): string {
  return platformApi.atLeast('0.13') ? join(generatedDir, escapeId(extId), `${kind}.Dockerfile`) : join(generatedDir, kind, escapeId(extId), 'Dockerfile');
}

/** Where the extender finds one extension's extend-config.toml for `kind` (XT-02, GE-13). */
export function generatedExtendConfigPath(generatedDir: string, extId: string, kind: 'build' | 'run', platformApi: ApiVersion): string {
  return platformApi.atLeast('0.13') ? join(generatedDir, escapeId(extId), 'extend-config.toml') : join(generatedDir, kind, escapeId(extId), 'extend-config.toml');
}

async function copy(from: string, to: string, recursive = false): Promise<void> {
  if (resolve(from) === resolve(to)) return;
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive, preserveTimestamps: true, verbatimSymlinks: true });
}

/**
 * GE-13: puts one extension's outputs where the extender reads them.
 * - ≥0.13: `<generated>/<escaped-id>/{build.Dockerfile, run.Dockerfile, extend-config.toml, context*}` (the
 *   extension already wrote there unless its outputs were pre-populated under `<ext>/generate`, GE-04).
 * - 0.10–0.12: `<generated>/<kind>/<escaped-id>/Dockerfile` plus `extend-config.toml` next to each, and the
 *   context directories under `<generated>/<escaped-id>/` ([REF] copies them for every version).
 * A run.Dockerfile in `ignored` (GE-10) is placed with suffix `.ignore` (renamed, so the extender skips it).
 */
export async function placeOutputs(out: GenerateOutputs, ignored: ReadonlySet<DockerfileInfo>, generatedDir: string, platformApi: ApiVersion, logger: Logger): Promise<void> {
  const extDir = join(generatedDir, escapeId(out.extensionId));
  try {
    if (platformApi.lessThan('0.13')) {
      for (const kind of ['build', 'run']) await rm(join(generatedDir, kind, escapeId(out.extensionId)), { recursive: true, force: true }); // no stale files
    }
    for (const d of out.dockerfiles) {
      let target = generatedDockerfilePath(generatedDir, out.extensionId, d.kind, platformApi);
      const targetDir = join(target, '..');
      await mkdir(targetDir, { recursive: true });
      const ignore = d.kind === 'run' && ignored.has(d);
      if (ignore) target += '.ignore';
      logger.debug(`Copying ${d.path} to ${target}`);
      if (ignore && resolve(d.path) === resolve(join(targetDir, basename(d.path)))) {
        await rename(d.path, target);
      } else {
        await copy(d.path, target);
      }
      if (out.hasExtendConfig) await copy(join(out.dir, 'extend-config.toml'), join(targetDir, 'extend-config.toml'));
    }
    if (platformApi.atLeast('0.13') && out.hasExtendConfig && out.dockerfiles.length === 0) {
      await mkdir(extDir, { recursive: true });
      await copy(join(out.dir, 'extend-config.toml'), join(extDir, 'extend-config.toml'));
    }
    for (const c of out.contexts) {
      await mkdir(extDir, { recursive: true });
      logger.debug(`Copying ${join(out.dir, c)} to ${join(extDir, c)}`);
      await copy(join(out.dir, c), join(extDir, c), true);
    }
  } catch (e) {
    throw wrapError(e, 'ERR_GENERATE', `extension ${out.extensionId}: copy generated files to ${generatedDir}`);
  }
}
