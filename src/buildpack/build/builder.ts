import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { wrapError } from '../../errors/index.js';
import { applyBuildLayers, baseBuildEnv, readPlatformEnvFiles, type EnvMap } from '../../env/index.js';
import { capabilitiesFor, type ApiVersion, type BuildMetadata, type Group, type LaunchLabel, type LaunchSlice, type TargetMetadata } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';
import { readBuildpackDescriptor } from '../descriptor.js';
import { buildpackPlanFor, removeMet, type PlanLike } from './plan.js';
import { ProcessMap } from './processes.js';
import { runBuildpack } from './run-buildpack.js';
import { copySbomFiles, type SbomFile } from './sbom.js';

/** Everything the build phase needs (platform.md `builder` Inputs); no process.env, no exit codes. */
export interface BuilderOptions {
  readonly appDir: string;
  readonly layersDir: string;
  readonly platformDir: string;
  readonly buildpacksDir: string;
  /** `<build-config>`; used for Platform ≥0.11 (ENV-07). */
  readonly buildConfigDir: string;
  readonly group: Group;
  readonly plan: PlanLike;
  readonly platformApi: ApiVersion;
  /** The run image target from `<analyzed>` (≥0.12), already completed (ENV-01). */
  readonly target?: TargetMetadata;
  /** `<exec-env>` (≥0.15). */
  readonly execEnv?: string;
  /** The lifecycle's own environment; only the ENV-05 allow-list reaches buildpacks. */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** Parent of the per-buildpack Buildpack Plan directories. */
  readonly tmpDir: string;
  readonly runner: ProcessRunner;
  readonly logger: Logger;
}

/**
 * The build phase (§3.6): runs each group buildpack's `/bin/build` in order (BL-03) with the Buildpack Plan
 * (BL-05/06) and the ENV-11 environment, threads `build = true` layers into later buildpacks' env (BL-09),
 * merges processes, labels and slices (BL-11..BL-17), copies SBOMs (BL-20/21) and returns the
 * `metadata.toml` contents (FMT-METADATA). Group APIs are checked when the group is read (BL-02).
 */
export async function runBuild(o: BuilderOptions): Promise<BuildMetadata> {
  const caps = capabilitiesFor(o.platformApi);
  const log = o.logger;
  try {
    await rm(join(o.layersDir, 'sbom'), { recursive: true, force: true }); // BL-20: start clean
  } catch (e) {
    throw wrapError(e, 'ERR_IO', 'clean the layers SBOM directory');
  }
  const envFiles = await readPlatformEnvFiles(o.platformDir, caps.buildConfigEnv ? o.buildConfigDir : undefined);
  let env: EnvMap = baseBuildEnv(o.processEnv);
  let plan: PlanLike = o.plan;
  const processes = new ProcessMap();
  const labels: LaunchLabel[] = [];
  const slices: LaunchSlice[] = [];
  const sboms: SbomFile[] = [];

  for (const el of o.group.group) {
    log.debug(`Running build for buildpack ${el.id}@${el.version}`);
    const descriptor = await readBuildpackDescriptor(o.buildpacksDir, el.id, el.version);
    const out = await runBuildpack({
      descriptor,
      plan: buildpackPlanFor(plan, el.id),
      baseEnv: env,
      envFiles,
      platformApi: o.platformApi,
      ...(o.target ? { target: o.target } : {}),
      ...(o.execEnv ? { execEnv: o.execEnv } : {}),
      appDir: o.appDir,
      layersDir: o.layersDir,
      platformDir: o.platformDir,
      tmpDir: o.tmpDir,
      runner: o.runner,
      logger: log,
    });
    // BL-09 / ENV-10: only this buildpack's build = true layers, and only for later buildpacks.
    env = await applyBuildLayers(env, out.layers.filter((l) => l.metadata.types.build).map((l) => l.path));
    plan = removeMet(plan, out.met); // BL-06
    const warning = processes.add(out.processes); // BL-11, BL-12
    if (warning) log.warn(warning);
    labels.push(...out.labels); // BL-17
    slices.push(...out.slices);
    sboms.push(...out.sbomFiles);
    log.debug(`Finished running build for buildpack ${el.id}@${el.version}`);
  }

  if (caps.sbom) await copySbomFiles(o.layersDir, sboms); // BL-20 (≥0.8)
  if (o.platformApi.atLeast('0.9')) await writeLegacyBoms(o.layersDir); // BL-21 (≥0.9)

  const dflt = processes.defaultType;
  return {
    ...(dflt ? { buildpackDefaultProcessType: dflt } : {}),
    buildpacks: o.group.group.map((g) => ({ id: g.id, version: g.version, api: g.api, ...(g.homepage ? { homepage: g.homepage } : {}) })), // BL-16
    extensions: o.group.groupExtensions.map((g) => ({ id: g.id, version: g.version, api: g.api, ...(g.homepage ? { homepage: g.homepage } : {}) })),
    labels,
    processes: processes.list().map((p) => ({
      type: p.type,
      command: p.command,
      args: p.args,
      direct: p.direct ?? true, // BP≥0.9 processes are always direct
      buildpackId: p.buildpackId,
      ...(p.workingDir ? { workingDir: p.workingDir } : {}),
      ...(p.execEnv ? { execEnv: p.execEnv } : {}),
    })),
    slices,
    bom: [],
  };
}

/**
 * BL-21 [REF]: `<layers>/sbom/{launch,build}/sbom.legacy.json`. Every supported Buildpack API (≥0.7) has its
 * `[[bom]]` tables ignored, so both hold REF's encoding of an empty list (`null`).
 */
async function writeLegacyBoms(layersDir: string): Promise<void> {
  for (const kind of ['launch', 'build']) {
    const dir = join(layersDir, 'sbom', kind);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'sbom.legacy.json'), 'null\n');
    } catch (e) {
      throw wrapError(e, 'ERR_IO', `write ${join(dir, 'sbom.legacy.json')}`);
    }
  }
}
