import type { ApiVersion } from '../platform/index.js';
import type { PhaseName } from './exit-codes.js';
import type { FlagDef, InputResolver } from '../platform/index.js';
import type { Logger } from '../sys/index.js';

/** What every command receives: the Platform API (read first, VER-02), env, logger and positional args. */
export interface CommandContext {
  readonly platformApi: ApiVersion;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly positional: readonly string[];
}

/**
 * The CLI contract of a phase (lifecycle `cli.Command`): the flags for this Platform API, input resolution
 * and validation, privileged set-up (chown, stores, keychains) and the one phase-service call.
 */
export interface Command<I> {
  readonly phase: PhaseName;
  /** The verb used in "failed to <verb>" messages (detect, build, export, ...). */
  readonly verb: string;
  /** Positional argument usage, e.g. "<image> [<image>...]"; empty for none. */
  readonly usage?: string;
  /** Accepted positional argument count (GEN-03); default exactly 0. */
  readonly positionalArgs?: { min: number; max: number };
  defineFlags(api: ApiVersion): FlagDef[];
  resolveInputs(r: InputResolver, ctx: CommandContext): Promise<I> | I;
  privileges?(inputs: I, ctx: CommandContext): Promise<void>;
  exec(inputs: I, ctx: CommandContext): Promise<void>;
}
