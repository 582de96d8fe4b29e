import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isLifecycleError } from '../../errors/index.js';
import { assembleInvocationEnv, detectCnbVars, type EnvMap, type EnvOptions, type PlatformEnvFiles } from '../../env/index.js';
import { parseBuildPlan, type ApiVersion, type DetectBuildPlan, type TargetMetadata } from '../../platform/index.js';
import type { ProcessRunner } from '../../sys/index.js';
import type { ModuleDescriptor } from '../descriptor.js';
import { executablePath, findExecutable, type HostOs } from '../executable.js';
import type { DetectOutcome } from './types.js';

/** Everything one `/bin/detect` run needs besides the descriptor. */
export interface DetectRunContext {
  readonly appDir: string;
  readonly platformDir: string;
  readonly platformApi: ApiVersion;
  /** ENV-05 base env (already filtered). */
  readonly baseEnv: EnvMap;
  readonly envFiles: PlatformEnvFiles;
  /** The (completed) run image target for CNB_TARGET_* (ENV-01). */
  readonly target?: TargetMetadata;
  readonly execEnv?: string;
  readonly runner: ProcessRunner;
  readonly os?: HostOs;
  /** Where the per-run plan directory is created; default os.tmpdir(). */
  readonly tmpDir?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** DT-20 / DT-19: validation of a passing element's Build Plan; returns an error message or undefined. */
export function validateBuildPlan(d: ModuleDescriptor, plan: DetectBuildPlan): string | undefined {
  const all = [plan, ...plan.or];
  if (d.kind === 'extension' && all.some((s) => s.requires.length > 0)) {
    return `extension ${d.id} outputs "requires" which is not allowed`; // DT-19
  }
  if (all.some((s) => s.requires.some((r) => r.version !== undefined))) {
    // DT-20 [REF]: the deprecated top-level version is an error
    return `${d.kind} ${d.id} has a "version" key. This key is deprecated in build plan requirements in buildpack API 0.3. "metadata.version" should be used instead`;
  }
  return undefined;
}

async function parsePlanFile(d: ModuleDescriptor, file: string): Promise<{ plan?: DetectBuildPlan; error?: string }> {
  try {
    const plan = parseBuildPlan(await readFile(file, 'utf8'), file);
    const error = validateBuildPlan(d, plan);
    return error ? { error } : { plan };
  } catch (e) {
    return { error: isLifecycleError(e) ? e.message : `failed to read build plan ${file}: ${message(e)}` };
  }
}

/**
 * DT-07/DT-08/DT-13: runs `bin/detect` of one component buildpack or extension with working directory
 * `<app>`, the ENV-11 environment and positional args `<platform> <plan>`; the plan path is a fresh empty
 * file. The plan is parsed only for exit 0. GE-04: an extension without `bin/detect` passes with
 * `<ext>/detect/plan.toml` (if any) as its plan.
 */
export async function runDetect(d: ModuleDescriptor, ctx: DetectRunContext): Promise<DetectOutcome> {
  const exe = await findExecutable(d.dir, 'detect', ctx.os);
  if (!exe && d.kind === 'extension') {
    const pre = join(d.dir, 'detect', 'plan.toml');
    try {
      await readFile(pre);
    } catch {
      return { code: 0, output: '', plan: { requires: [], provides: [], or: [] } };
    }
    const r = await parsePlanFile(d, pre);
    return r.error ? { code: -1, output: '', error: r.error } : { code: 0, output: '', plan: r.plan! };
  }
  const planDir = await mkdtemp(join(ctx.tmpDir ?? tmpdir(), 'plan.'));
  try {
    const planPath = join(planDir, 'plan.toml');
    await writeFile(planPath, '', { mode: 0o600 });
    const platformDir = resolve(ctx.platformDir);
    const env = assembleInvocationEnv(
      {
        base: ctx.baseEnv,
        files: ctx.envFiles,
        clearEnv: d.clearEnv,
        cnbVars: detectCnbVars({
          kind: d.kind,
          moduleDir: d.dir,
          planPath,
          platformDir,
          buildpackApi: d.apiVersion,
          platformApi: ctx.platformApi,
          ...(ctx.target ? { target: ctx.target } : {}),
          ...(ctx.execEnv ? { execEnv: ctx.execEnv } : {}),
        }),
      },
      (ctx.os ? { os: ctx.os } : {}) satisfies EnvOptions,
    );
    const command = exe ?? executablePath(d.dir, 'detect', ctx.os);
    let result;
    try {
      result = await ctx.runner.run({ command, args: [platformDir, planPath], cwd: resolve(ctx.appDir), env, output: 'capture' });
    } catch (e) {
      return { code: -1, output: '', error: message(e) };
    }
    const output = result.stdout + result.stderr;
    if (result.signal) return { code: -1, output, error: `${command} was terminated by signal ${result.signal}` };
    if (result.exitCode !== 0) return { code: result.exitCode, output };
    const r = await parsePlanFile(d, planPath);
    return r.error ? { code: -1, output, error: r.error } : { code: 0, output, plan: r.plan! };
  } finally {
    await rm(planDir, { recursive: true, force: true });
  }
}
