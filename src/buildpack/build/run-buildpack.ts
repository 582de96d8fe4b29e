import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isLifecycleError, LifecycleError, wrapError } from '../../errors/index.js';
import { readBuildToml, readLaunchToml, writeBuildpackPlan, type BuildpackPlan, type LaunchLabel, type LaunchSlice } from '../../platform/index.js';
import { assembleInvocationEnv, buildCnbVars, type EnvMap, type PlatformEnvFiles } from '../../env/index.js';
import type { ApiVersion, TargetMetadata } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';
import type { BuildpackDescriptor } from '../descriptor.js';
import { executablePath, findExecutable } from '../executable.js';
import { escapeId } from '../paths.js';
import { processLayers, type BuildpackLayer } from './layers.js';
import { metNames, validateUnmet } from './plan.js';
import { checkBuildpackProcesses, type BuildpackProcess } from './processes.js';
import { findSbomFiles, type SbomFile } from './sbom.js';

/** What one buildpack's `/bin/build` needs. */
export interface BuildpackRunInput {
  readonly descriptor: BuildpackDescriptor;
  /** The Buildpack Plan (BL-05). */
  readonly plan: BuildpackPlan;
  /** ENV-11 steps 1–2: the filtered base env with earlier buildpacks' build layers applied. */
  readonly baseEnv: EnvMap;
  /** `<platform>/env` and (≥0.11) `<build-config>/env` files (ENV-06, ENV-07). */
  readonly envFiles: PlatformEnvFiles;
  readonly platformApi: ApiVersion;
  /** The run image target for CNB_TARGET_* (ENV-01), when known. */
  readonly target?: TargetMetadata;
  /** `<exec-env>` (Platform ≥0.15) for CNB_EXEC_ENV. */
  readonly execEnv?: string;
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  /** Where the Buildpack Plan file is written (a fresh directory per buildpack, removed afterwards). */
  readonly tmpDir: string;
  readonly runner: ProcessRunner;
  readonly logger: Logger;
}

/** What the builder keeps from one buildpack. */
export interface BuildpackRunOutput {
  /** Absolute `<layers>/<escaped-id>`. */
  readonly layersDir: string;
  /** Layers with a `<layer>.toml`, ascending by name, after `.ignore` renaming (BL-07). */
  readonly layers: readonly BuildpackLayer[];
  /** Plan entry names this buildpack met (BL-06). */
  readonly met: readonly string[];
  readonly processes: readonly BuildpackProcess[];
  readonly labels: readonly LaunchLabel[];
  readonly slices: readonly LaunchSlice[];
  readonly sbomFiles: readonly SbomFile[];
}

/**
 * Runs one buildpack's `/bin/build` (BL-03, BL-04) and reads its outputs: renames all-false layers
 * (BL-07), validates build.toml `[[unmet]]` (BL-06), SBOM files (BL-19) and launch.toml (BL-13..BL-15).
 * A non-zero exit or an unstartable executable is ERR_BUILDPACK_FAILED (51, never the buildpack's own
 * code); invalid outputs are ERR_BUILD or ERR_TOML (52).
 */
export async function runBuildpack(input: BuildpackRunInput): Promise<BuildpackRunOutput> {
  const d = input.descriptor;
  const who = `buildpack ${d.id}@${d.version}`;
  const bpLayersDir = join(input.layersDir, escapeId(d.id));
  const planDir = await mkdtemp(join(input.tmpDir, `${escapeId(d.id)}-`)).catch((e) => {
    throw wrapError(e, 'ERR_IO', `create plan directory in ${input.tmpDir}`);
  });
  try {
    const planPath = join(planDir, escapeId(d.id), 'plan.toml');
    try {
      await mkdir(bpLayersDir, { recursive: true }); // BL-04
      await mkdir(join(planDir, escapeId(d.id)), { recursive: true });
      await writeBuildpackPlan(planPath, input.plan);
      await chmod(planPath, 0o444); // BL-05: read-only for the buildpack
    } catch (e) {
      throw wrapError(e, 'ERR_IO', `${who}: prepare layers and plan`);
    }
    await execBuild(input, bpLayersDir, planPath, who);
    return await readOutputs(input, bpLayersDir, who);
  } finally {
    await rm(planDir, { recursive: true, force: true });
  }
}

async function execBuild(input: BuildpackRunInput, bpLayersDir: string, planPath: string, who: string): Promise<void> {
  const d = input.descriptor;
  const exe = await findExecutable(d.dir, 'build');
  if (!exe) throw new LifecycleError('ERR_BUILDPACK_FAILED', `${who}: ${executablePath(d.dir, 'build')} does not exist`);
  // ENV-11: base + earlier build layers, <platform>/env (unless clear-env), <build-config>/env, then §5.1.
  const env = assembleInvocationEnv({
    base: input.baseEnv,
    files: input.envFiles,
    clearEnv: d.clearEnv,
    cnbVars: buildCnbVars({
      buildpackApi: d.apiVersion,
      platformApi: input.platformApi,
      platformDir: input.platformDir,
      buildpackDir: d.dir,
      layersDir: bpLayersDir,
      bpPlanPath: planPath,
      ...(input.target ? { target: input.target } : {}),
      ...(input.execEnv ? { execEnv: input.execEnv } : {}),
    }),
  });
  input.logger.debug(`Running ${exe} for ${who}`);
  let code: number;
  try {
    const r = await input.runner.run({
      command: exe,
      args: [bpLayersDir, input.platformDir, planPath], // BL-04 [REF]
      cwd: input.appDir,
      env: { ...env },
      output: 'inherit', // BL-22
    });
    code = r.exitCode;
    if (r.signal) throw new LifecycleError('ERR_BUILDPACK_FAILED', `${who}: ${exe} was killed by ${r.signal}`);
  } catch (e) {
    if (isLifecycleError(e) && e.code === 'ERR_BUILDPACK_FAILED') throw e;
    throw new LifecycleError('ERR_BUILDPACK_FAILED', `${who}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (code !== 0) throw new LifecycleError('ERR_BUILDPACK_FAILED', `${who}: ${exe} exited with code ${code}`); // BL-03
}

async function readOutputs(input: BuildpackRunInput, bpLayersDir: string, who: string): Promise<BuildpackRunOutput> {
  const d = input.descriptor;
  const log = input.logger;
  const layers = await processLayers(bpLayersDir, (m) => log.warn(m));

  const buildFile = join(bpLayersDir, 'build.toml');
  const build = await readBuildToml(buildFile);
  if (build.bom.length > 0) log.warn(`${who}: the [[bom]] table of build.toml is not supported by buildpack API ${d.api} and is ignored; write build.sbom.<ext> instead`);
  validateUnmet(build.unmet, input.plan, who, buildFile);
  const met = metNames(input.plan, build.unmet);

  const types = new Map(layers.map((l) => [l.name, l.metadata.types]));
  const sbomFiles = await findSbomFiles(bpLayersDir, d.id, types, d.sbomFormats);

  const launch = await readLaunchToml(join(bpLayersDir, 'launch.toml'), d.apiVersion);
  if (!launch) return { layersDir: bpLayersDir, layers, met, processes: [], labels: [], slices: [], sbomFiles };
  if (launch.bom.length > 0) log.warn(`${who}: the [[bom]] table of launch.toml is not supported by buildpack API ${d.api} and is ignored; write launch.sbom.<ext> instead`);
  const check = checkBuildpackProcesses(launch.processes);
  for (const w of check.warnings) log.warn(`${who}: ${w}`);
  if (check.error) throw new LifecycleError('ERR_BUILD', `${who}: ${join(bpLayersDir, 'launch.toml')}: ${check.error}`);
  const labelKeys = new Set<string>();
  for (const l of launch.labels) {
    // FMT-14: label keys must be unique within a buildpack; as [REF], both are kept and the last one wins (EP-18).
    if (labelKeys.has(l.key)) log.warn(`${who}: label '${l.key}' is defined more than once; the last definition wins`);
    labelKeys.add(l.key);
  }
  const processes = launch.processes.map((p): BuildpackProcess => {
    if (p.workingDir !== undefined && d.apiVersion.lessThan('0.8')) {
      // BL-14: working-dir is BP≥0.8
      log.warn(`process working directory isn't supported in this buildpack api version. Ignoring working directory for process '${p.type}'`);
      const { workingDir: _ignored, ...rest } = p;
      return { ...rest, buildpackId: d.id };
    }
    return { ...p, buildpackId: d.id };
  });
  return { layersDir: bpLayersDir, layers, met, processes, labels: launch.labels, slices: launch.slices, sbomFiles };
}
