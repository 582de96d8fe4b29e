import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isLifecycleError, LifecycleError } from '../../errors/index.js';
import type { EnvMap, PlatformEnvFiles } from '../../env/index.js';
import type { Analyzed, ApiVersion, GroupElement, Plan, RunImageEntry, TargetMetadata } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';
import { buildpackPlanFor, removeMet } from '../build/plan.js';
import { readExtensionDescriptor } from '../descriptor.js';
import { hostOs, type HostOs } from '../executable.js';
import { escapeId } from '../paths.js';
import type { DockerfileInfo } from './dockerfiles.js';
import { readGenerateOutputs, type GenerateOutputs } from './outputs.js';
import { placeOutputs } from './place.js';
import { runGenerate } from './run-generate.js';
import { selectRunImage, updateAnalyzed, type RunImageSelection } from './run-image.js';

/** The generation service's inputs (§3.3); nothing is read from process.env. */
export interface GenerateServiceInputs {
  /** `[[group-extensions]]` of the selected group, in order. */
  readonly extensions: readonly GroupElement[];
  readonly extensionsDir: string;
  readonly appDir: string;
  readonly platformDir: string;
  /** `<generated>` (GE-03, GE-13). */
  readonly generatedDir: string;
  readonly platformApi: ApiVersion;
  /** The resolved plan of detection (DT-21); extension entries are filtered out of it (DT-26, GE-05). */
  readonly plan: Plan;
  /** `<analyzed>` as read by the detector (run image, target, build image). */
  readonly analyzed: Analyzed;
  /** `<run>` images (≥0.12) for the GE-11 warning; empty when absent. */
  readonly runToml: readonly RunImageEntry[];
  readonly baseEnv: EnvMap;
  readonly envFiles: PlatformEnvFiles;
  /** The completed run image target for CNB_TARGET_* (ENV-01). */
  readonly target?: TargetMetadata;
  readonly runner: ProcessRunner;
  readonly logger: Logger;
  /** Parent of temporary directories (plans; <0.13 output dirs); default os.tmpdir(). */
  readonly tmpDir?: string;
  /** The build's OS (default: this host's); generation is refused for `windows` (XT-09). */
  readonly os?: HostOs;
}

/** What the detector writes after generation. */
export interface GenerateResult {
  /** `<plan>` without the entries extensions met (DT-26). */
  readonly plan: Plan;
  /** The updated `<analyzed>` (GE-10..GE-12). */
  readonly analyzed: Analyzed;
  /** All validated Dockerfiles in group order (run before build per extension). */
  readonly dockerfiles: readonly DockerfileInfo[];
  readonly selection: RunImageSelection;
}

/** ERR_GENERATE (92) for every failure that is not already a generate, API or input error. */
function asGenerateError(e: unknown, context: string): LifecycleError {
  if (isLifecycleError(e) && ['ERR_GENERATE', 'ERR_GENERATE_FAILED', 'ERR_BUILDPACK_API'].includes(e.code)) return e;
  return new LifecycleError('ERR_GENERATE', `${context}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * The Generation phase (§3.3, DT-26), run by the detector when the selected group has extensions: for each
 * extension in order, runs `/bin/generate` with its Buildpack Plan (entries it provided; all of them count as
 * met and are removed for later extensions and for the builder, GE-05), validates its Dockerfiles and
 * context dirs, places them under `<generated>` per Platform API (GE-13), selects the run image (GE-10) and
 * returns the filtered plan and updated analyzed metadata. Not run for Windows (XT-09).
 * Throws ERR_GENERATE_FAILED (91) when an extension fails, ERR_GENERATE (92) otherwise.
 */
export async function generate(i: GenerateServiceInputs): Promise<GenerateResult> {
  if ((i.os ?? hostOs()) === 'windows') throw new LifecycleError('ERR_GENERATE', 'image extensions are not supported for Windows builds'); // XT-09
  const api = i.platformApi;
  const log = i.logger;
  const generatedDir = resolve(i.generatedDir);
  let outputParent = generatedDir;
  let tmpParent: string | undefined;
  try {
    await mkdir(generatedDir, { recursive: true });
    if (api.lessThan('0.13')) {
      // GE-03 [REF]: a temporary output parent before 0.13; the files are then copied into <generated>.
      tmpParent = await mkdtemp(join(i.tmpDir ?? tmpdir(), 'cnb-extensions-generated.'));
      outputParent = tmpParent;
    }
  } catch (e) {
    throw asGenerateError(e, `prepare ${generatedDir}`);
  }
  try {
    let plan: Plan = i.plan;
    const outputs: GenerateOutputs[] = [];
    for (const ext of i.extensions) {
      log.debug(`Running generate for extension ${ext.id}@${ext.version}`);
      let out: GenerateOutputs;
      try {
        const d = await readExtensionDescriptor(i.extensionsDir, ext.id, ext.version);
        const bpPlan = buildpackPlanFor(plan, ext.id, true);
        const dir = await runGenerate(d, bpPlan, {
          appDir: i.appDir,
          platformDir: i.platformDir,
          platformApi: api,
          baseEnv: i.baseEnv,
          envFiles: i.envFiles,
          ...(i.target ? { target: i.target } : {}),
          outputParent,
          runner: i.runner,
          logger: log,
          ...(i.tmpDir ? { tmpDir: i.tmpDir } : {}),
        });
        if (api.atLeast('0.13') && resolve(dir) !== join(generatedDir, escapeId(ext.id))) {
          await rm(join(generatedDir, escapeId(ext.id)), { recursive: true, force: true }); // no stale files (GE-04 case)
        }
        out = await readGenerateOutputs(dir, ext.id, api, log);
        plan = removeMet(plan, bpPlan.entries.map((e) => e.name)) as Plan; // GE-05 [REF]: all entries are met
      } catch (e) {
        throw asGenerateError(e, `extension ${ext.id}@${ext.version}`);
      }
      outputs.push(out);
      log.debug(`Finished running generate for extension ${ext.id}@${ext.version}`);
    }
    const dockerfiles = outputs.flatMap((o) => o.dockerfiles);
    const selection = selectRunImage(dockerfiles);
    const ignored = new Set(selection.ignored);
    for (const out of outputs) await placeOutputs(out, ignored, generatedDir, api, log);
    const analyzed = updateAnalyzed(i.analyzed, selection, dockerfiles.some((d) => d.kind === 'build'), { platformApi: api, runToml: i.runToml, logger: log });
    return { plan, analyzed, dockerfiles, selection };
  } finally {
    if (tmpParent) await rm(tmpParent, { recursive: true, force: true });
  }
}
