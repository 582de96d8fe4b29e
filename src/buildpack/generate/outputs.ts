import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../../errors/index.js';
import { readExtendConfig, type ApiVersion, type ExtendConfig } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';
import { readGeneratedDockerfile, type DockerfileInfo } from './dockerfiles.js';

/** The build-context directory names an extension may create (GE-08, XT-03). */
export const CONTEXT_DIRS = ['context', 'context.build', 'context.run'] as const;

/** What one extension's `/bin/generate` produced (read from its output directory). */
export interface GenerateOutputs {
  readonly extensionId: string;
  /** The directory the outputs were read from (`CNB_OUTPUT_DIR`, or `<ext>/generate` when pre-populated). */
  readonly dir: string;
  /** In GE-10 order: run.Dockerfile first, then build.Dockerfile ([REF]). */
  readonly dockerfiles: readonly DockerfileInfo[];
  readonly extendConfig: ExtendConfig;
  /** Whether `<dir>/extend-config.toml` exists. */
  readonly hasExtendConfig: boolean;
  /** The context directories present (GE-08). */
  readonly contexts: readonly (typeof CONTEXT_DIRS)[number][];
}

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LifecycleError('ERR_GENERATE', `failed to read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * GE-14 [MUST NOT]: extensions must not write SBOM files. The lifecycle cannot undo it; it warns for any
 * `*.sbom.*` file at the top of the output directory, which the extender never reads.
 */
async function warnSbom(dir: string, extId: string, logger: Logger): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const n of names) if (/\.sbom\./.test(n)) logger.warn(`extension ${extId} wrote SBOM file ${join(dir, n)}; extensions must not write SBOM files, it is ignored`);
}

/**
 * Reads and validates an extension's generate outputs in `dir` (GE-06..GE-09): `run.Dockerfile`,
 * `build.Dockerfile`, `extend-config.toml` and the context directories. Every violation is ERR_GENERATE (92).
 */
export async function readGenerateOutputs(dir: string, extId: string, platformApi: ApiVersion, logger: Logger): Promise<GenerateOutputs> {
  let extendConfig: ExtendConfig;
  const configPath = join(dir, 'extend-config.toml');
  const hasExtendConfig = (await kindOf(configPath)) === 'file';
  try {
    extendConfig = await readExtendConfig(configPath); // GE-09
  } catch (e) {
    throw new LifecycleError('ERR_GENERATE', `extension ${extId}: invalid extend config: ${(e as Error).message}`, { cause: e });
  }
  const dockerfiles: DockerfileInfo[] = [];
  for (const kind of ['run', 'build'] as const) {
    const path = join(dir, `${kind}.Dockerfile`);
    const k = await kindOf(path);
    if (k === undefined) continue;
    if (k === 'dir') throw new LifecycleError('ERR_GENERATE', `extension ${extId}: ${path} is a directory`);
    dockerfiles.push(await readGeneratedDockerfile(path, kind, extId, platformApi, logger));
    logger.debug(`Found '${kind}.Dockerfile' for extension '${extId}'`);
  }
  const contexts: (typeof CONTEXT_DIRS)[number][] = [];
  for (const c of CONTEXT_DIRS) if ((await kindOf(join(dir, c))) === 'dir') contexts.push(c);
  if (contexts.includes('context') && contexts.length > 1) {
    // GE-08
    throw new LifecycleError('ERR_GENERATE', `extension ${extId}: image-specific context dir is provided together with a shared context (${contexts.join(', ')} in ${dir})`);
  }
  await warnSbom(dir, extId, logger);
  logger.debug(`Found '${dockerfiles.length}' Dockerfiles for processing`);
  return { extensionId: extId, dir, dockerfiles, extendConfig, hasExtendConfig, contexts };
}
