import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LifecycleError, wrapError } from '../../errors/index.js';
import { assembleInvocationEnv, generateCnbVars, type EnvMap, type PlatformEnvFiles } from '../../env/index.js';
import { writeBuildpackPlan, type ApiVersion, type BuildpackPlan, type TargetMetadata } from '../../platform/index.js';
import type { Logger, ProcessRunner } from '../../sys/index.js';
import type { ExtensionDescriptor } from '../descriptor.js';
import { findExecutable } from '../executable.js';
import { escapeId } from '../paths.js';

/** What one extension's `/bin/generate` needs besides its descriptor. */
export interface GenerateRunContext {
  readonly appDir: string;
  readonly platformDir: string;
  readonly platformApi: ApiVersion;
  /** ENV-05 base env (filtered); extensions never see build layers (there are none yet). */
  readonly baseEnv: EnvMap;
  readonly envFiles: PlatformEnvFiles;
  /** The run image target for CNB_TARGET_* (ENV-01, GE-02). */
  readonly target?: TargetMetadata;
  /** The parent of the per-extension output directories (GE-03). */
  readonly outputParent: string;
  readonly runner: ProcessRunner;
  readonly logger: Logger;
  /** Where the Buildpack Plan directory is created; default os.tmpdir(). */
  readonly tmpDir?: string;
}

/**
 * Runs one extension's `/bin/generate` (GE-01, GE-02): working directory `<app>`, args
 * `<output> <platform> <plan>` [REF], the ENV-11 environment with CNB_EXTENSION_DIR, CNB_OUTPUT_DIR,
 * CNB_BP_PLAN_PATH, CNB_PLATFORM_DIR and CNB_TARGET_* (no CNB_LAYERS_DIR, no CNB_BUILDPACK_DIR). The output
 * directory `<outputParent>/<escaped-id>` is emptied first, so stale files of an earlier build are never read.
 * GE-04: without `bin/generate`, `<ext>/generate` is the pre-populated output (nothing runs).
 * Returns the directory to read the outputs from. A non-zero exit, a signal or an executable that cannot be
 * started is ERR_GENERATE_FAILED (91, as [REF] treats every exec error); failing to set up is ERR_GENERATE (92).
 */
export async function runGenerate(d: ExtensionDescriptor, plan: BuildpackPlan, ctx: GenerateRunContext): Promise<string> {
  const who = `extension ${d.id}@${d.version}`;
  const exe = await findExecutable(d.dir, 'generate');
  if (!exe) {
    const pre = join(d.dir, 'generate');
    ctx.logger.debug(`${who} has no bin/generate; using ${pre} as its output`);
    return pre;
  }
  const outputDir = join(resolve(ctx.outputParent), escapeId(d.id));
  const planDir = await mkdtemp(join(ctx.tmpDir ?? tmpdir(), `${escapeId(d.id)}-`)).catch((e: unknown) => {
    throw wrapError(e, 'ERR_GENERATE', `${who}: create plan directory`);
  });
  try {
    const planPath = join(planDir, 'plan.toml');
    try {
      await rm(outputDir, { recursive: true, force: true });
      await mkdir(outputDir, { recursive: true });
      await writeBuildpackPlan(planPath, plan);
      await chmod(planPath, 0o444); // ER: read-only for the extension
    } catch (e) {
      throw wrapError(e, 'ERR_GENERATE', `${who}: prepare output directory and plan`);
    }
    const platformDir = resolve(ctx.platformDir);
    const env = assembleInvocationEnv({
      base: ctx.baseEnv,
      files: ctx.envFiles,
      clearEnv: d.clearEnv,
      cnbVars: generateCnbVars({
        buildpackApi: d.apiVersion,
        platformApi: ctx.platformApi,
        platformDir,
        extensionDir: d.dir,
        outputDir,
        bpPlanPath: planPath,
        ...(ctx.target ? { target: ctx.target } : {}),
      }),
    });
    ctx.logger.debug(`Running ${exe} for ${who}`);
    let r;
    try {
      r = await ctx.runner.run({ command: exe, args: [outputDir, platformDir, planPath], cwd: resolve(ctx.appDir), env: { ...env }, output: 'inherit' });
    } catch (e) {
      throw new LifecycleError('ERR_GENERATE_FAILED', `${who}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (r.signal) throw new LifecycleError('ERR_GENERATE_FAILED', `${who}: ${exe} was killed by ${r.signal}`);
    if (r.exitCode !== 0) throw new LifecycleError('ERR_GENERATE_FAILED', `${who}: ${exe} exited with code ${r.exitCode}`); // GE-01
    return outputDir;
  } finally {
    await rm(planDir, { recursive: true, force: true });
  }
}

/** True when `path` is an existing directory. */
export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
