/** The CLI layer: Go-style flags, the Command contract, the one error → exit-code mapping, logging. */
export { parseGoFlags } from './go-flags.js';
export { createLogger, memoryLogger, LOG_LEVELS, type Logger, type LogLevel } from '../sys/index.js';
export { exitCodeFor, type PhaseName } from './exit-codes.js';
export { runCommand, type RunIo } from './run-command.js';
export type { Command, CommandContext } from './command.js';
export { LIFECYCLE_VERSION } from './version.js';
export { runMain } from './run-main.js';
