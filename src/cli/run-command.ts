import { isLifecycleError } from '../errors/index.js';
import { ApiVersion, checkApiDeprecation, deprecationMode, isSupportedPlatformApi, setBuildpackDeprecationPolicy, SUPPORTED_PLATFORM_APIS, type DeprecationPolicy } from '../platform/index.js';
import { InputResolver, type FlagDef } from '../platform/index.js';
import { catalogFlags, COMMON_FLAGS } from '../platform/index.js';
import type { Command, CommandContext } from './command.js';
import { exitCodeFor } from './exit-codes.js';
import { parseGoFlags } from './go-flags.js';
import { createLogger, LOG_LEVELS, type Logger, type LogLevel } from '../sys/index.js';
import { LIFECYCLE_VERSION } from './version.js';

/** Where a command's output goes; injected so tests can capture it. */
export interface RunIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

function usage<I>(cmd: Command<I>, defs: readonly FlagDef[]): string {
  const flags = defs.map((d) => `  -${d.name}${d.kind === 'bool' ? '' : ' <value>'}${d.env ? `  (env ${d.env})` : ''}`).join('\n');
  return `Usage: ${cmd.phase} [flags] ${cmd.usage ?? ''}\n${flags}\n`;
}

/**
 * Runs one phase command and returns its exit code. Order: VER-02 `CNB_PLATFORM_API` first (exit 11; a
 * deprecated one per VER-06 `CNB_DEPRECATION_MODE`), then Go-style flags (exit 2), then inputs (exit 3),
 * then privileges and the phase service. Every error is printed once as `ERROR: failed to <verb>: <cause>` and
 * mapped to its exit code in `exitCodeFor`.
 */
export async function runCommand<I>(
  cmd: Command<I>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: RunIo = { stdout: process.stdout, stderr: process.stderr },
  /** Deprecated Platform APIs (default: the lifecycle's list, empty today); tests inject one (VER-06). */
  deprecatedPlatformApis?: readonly string[],
): Promise<number> {
  let logger: Logger = createLogger('info', io.stdout, io.stderr);
  if (argv.includes('-version') || argv.includes('--version')) {
    io.stdout.write(`${LIFECYCLE_VERSION}\n`);
    return 0;
  }
  const rawApi = env['CNB_PLATFORM_API'] ?? '';
  if (rawApi === '') {
    logger.error(`the platform must set CNB_PLATFORM_API (supported: ${SUPPORTED_PLATFORM_APIS.join(', ')})`); // VER-03
    return 11;
  }
  const api = ApiVersion.tryParse(rawApi);
  if (!api || !isSupportedPlatformApi(api)) {
    logger.error(`platform API version '${rawApi}' is incompatible with the lifecycle (supported: ${SUPPORTED_PLATFORM_APIS.join(', ')})`);
    return 11; // VER-02, GEN-15
  }
  // VER-06: CNB_DEPRECATION_MODE for a deprecated Platform API (here) and Buildpack APIs (checkBuildpackApi).
  const deprecation: DeprecationPolicy = { mode: deprecationMode(env), warn: (m) => logger.warn(m) };
  try {
    checkApiDeprecation('platform', api, 'platform', deprecation, deprecatedPlatformApis);
  } catch (e) {
    logger.error(e instanceof Error ? e.message : String(e));
    return 11;
  }
  setBuildpackDeprecationPolicy(deprecation);
  const defs = [...catalogFlags(api, COMMON_FLAGS), ...cmd.defineFlags(api)];
  try {
    const args = parseGoFlags(argv, defs);
    if (args.help) {
      io.stdout.write(usage(cmd, defs));
      return 0;
    }
    const resolver = new InputResolver(defs, args, env);
    const level = (resolver.string('log-level') ?? 'info') as LogLevel;
    if (!LOG_LEVELS.includes(level)) {
      logger.error(`invalid log level '${level}' (use one of ${LOG_LEVELS.join(', ')})`);
      return 3;
    }
    logger = createLogger(level, io.stdout, io.stderr);
    for (const f of args.ignoredFlags) logger.warn(`unparsed flag after positional arguments: ${f}`);
    const { min, max } = cmd.positionalArgs ?? { min: 0, max: 0 };
    if (args.positional.length < min || args.positional.length > max) {
      logger.error(`failed to parse arguments: received ${args.positional.length} arguments, but expected ${min === max ? min : `${min} to ${max}`}`);
      return 3; // GEN-03
    }
    const ctx: CommandContext = { platformApi: api, env, logger, positional: args.positional };
    const inputs = await cmd.resolveInputs(resolver, ctx);
    if (cmd.privileges) await cmd.privileges(inputs, ctx);
    await cmd.exec(inputs, ctx);
    return 0;
  } catch (e) {
    const code = exitCodeFor(e, cmd.phase);
    if (isLifecycleError(e) && e.code === 'ERR_FLAG') {
      logger.error(e.message);
      io.stderr.write(usage(cmd, defs));
    } else {
      const msg = e instanceof Error ? e.message : String(e);
      logger.error(`failed to ${cmd.verb}: ${msg}`);
      if (!isLifecycleError(e) && e instanceof Error && e.stack) logger.debug(e.stack);
    }
    return code;
  }
}
