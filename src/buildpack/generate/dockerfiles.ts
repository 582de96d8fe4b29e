import { LifecycleError } from '../../errors/index.js';
import { argDeclarations, readDockerfile, type ApiVersion, type ParsedDockerfile } from '../../platform/index.js';
import type { Logger } from '../../sys/index.js';

/** The Dockerfile kinds an extension may output. */
export type DockerfileKind = 'build' | 'run';

/** GE-07 [SHOULD] / [REF]: the instructions image extension Dockerfiles should use; others only warn. */
export const RECOMMENDED_INSTRUCTIONS: readonly string[] = ['FROM', 'ADD', 'ARG', 'COPY', 'ENV', 'LABEL', 'RUN', 'SHELL', 'USER', 'WORKDIR'];

/** The two spellings of the base image reference an extension may write in FROM. */
export function isBaseImageRef(name: string): boolean {
  return name === '${base_image}' || name === '$base_image';
}

/** One generated Dockerfile after validation. */
export interface DockerfileInfo {
  readonly extensionId: string;
  readonly kind: DockerfileKind;
  /** Where the extension wrote it (its output directory or its pre-populated `generate/`). */
  readonly path: string;
  /** run.Dockerfile only: the image of a FROM other than `${base_image}` (GE-10). */
  readonly newBase?: string;
  /** run.Dockerfile only: true when applying it extends the run image (GE-10). */
  readonly extend: boolean;
}

function generateError(path: string, extId: string, msg: string): LifecycleError {
  return new LifecycleError('ERR_GENERATE', `failed to parse ${path} for extension ${extId}: ${msg}`);
}

function warnInstructions(d: ParsedDockerfile, name: string, logger: Logger): void {
  for (const stage of d.stages) {
    for (const ins of stage.instructions) {
      if (!RECOMMENDED_INSTRUCTIONS.includes(ins.keyword)) logger.warn(`${name} command ${ins.keyword} on line ${ins.line} is not recommended`);
    }
  }
}

/**
 * GE-06: a build.Dockerfile must start with `ARG base_image` then `FROM ${base_image}`, with no other FROM
 * (single stage) and no other meta ARG ([REF]). Non-recommended instructions only warn (GE-07 [REF]).
 */
export function validateBuildDockerfile(d: ParsedDockerfile, extId: string, logger: Logger): DockerfileInfo {
  if (d.stages.length > 1) throw generateError(d.file, extId, 'build.Dockerfile is not permitted to use multistage build');
  warnInstructions(d, 'build.Dockerfile', logger);
  const meta = d.metaArgs.flatMap(argDeclarations);
  if (meta.length !== 1 || meta[0]?.name !== 'base_image') throw generateError(d.file, extId, 'build.Dockerfile did not start with required ARG command');
  const stage = d.stages[0];
  if (!stage) throw generateError(d.file, extId, 'build.Dockerfile should have at least one stage');
  if (stage.baseName !== '${base_image}') throw generateError(d.file, extId, 'build.Dockerfile did not contain required FROM ${base_image} command');
  return { extensionId: extId, kind: 'build', path: d.file, extend: true };
}

/**
 * GE-07 / GE-10: a run.Dockerfile has exactly one FROM (no multistage). `FROM ${base_image}` extends the current
 * run image; any other FROM switches the run image to that name (the raw text, as the author wrote it [REF]).
 * From Platform 0.12 a switching Dockerfile that has further instructions also extends ([REF]); before 0.12
 * run-image extension does not exist, so a run.Dockerfile may contain nothing but FROM (and meta ARGs).
 */
export function validateRunDockerfile(d: ParsedDockerfile, extId: string, platformApi: ApiVersion, logger: Logger): DockerfileInfo {
  if (d.stages.length > 1) throw generateError(d.file, extId, 'run.Dockerfile is not permitted to use multistage build');
  const stage = d.stages[0];
  if (!stage) throw generateError(d.file, extId, 'run.Dockerfile should have at least one stage');
  warnInstructions(d, 'run.Dockerfile', logger);
  const switches = !isBaseImageRef(stage.baseName);
  if (platformApi.lessThan('0.12')) {
    if (stage.instructions.length > 0) throw generateError(d.file, extId, 'run.Dockerfile is not permitted to have instructions other than FROM');
    // Run image extension needs Platform 0.12: before it `FROM ${base_image}` alone changes nothing.
    return { extensionId: extId, kind: 'run', path: d.file, ...(switches ? { newBase: stage.baseName } : {}), extend: false };
  }
  return {
    extensionId: extId,
    kind: 'run',
    path: d.file,
    ...(switches ? { newBase: stage.baseName } : {}),
    extend: !switches || stage.instructions.length > 0,
  };
}

/** Reads and validates `<dir>/<kind>.Dockerfile`; parse errors become ERR_GENERATE (92). */
export async function readGeneratedDockerfile(path: string, kind: DockerfileKind, extId: string, platformApi: ApiVersion, logger: Logger): Promise<DockerfileInfo> {
  let parsed: ParsedDockerfile;
  try {
    parsed = await readDockerfile(path);
  } catch (e) {
    throw generateError(path, extId, e instanceof Error ? e.message : String(e));
  }
  return kind === 'build' ? validateBuildDockerfile(parsed, extId, logger) : validateRunDockerfile(parsed, extId, platformApi, logger);
}
