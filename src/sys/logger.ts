/** Log levels accepted by -log-level / CNB_LOG_LEVEL (GEN-08). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Injected logger: info and debug to stdout, warnings and errors to stderr (GEN-08). */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

interface Sink {
  write(s: string): unknown;
}

/** A logger on two streams. Warnings are prefixed `Warning: `, errors `ERROR: ` as the reference does. */
export function createLogger(level: LogLevel, out: Sink = process.stdout, err: Sink = process.stderr): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const on = (l: LogLevel) => LOG_LEVELS.indexOf(l) >= rank;
  return {
    level,
    debug: (m) => void (on('debug') && out.write(`${m}\n`)),
    info: (m) => void (on('info') && out.write(`${m}\n`)),
    warn: (m) => void (on('warn') && err.write(`Warning: ${m}\n`)),
    error: (m) => void (on('error') && err.write(`ERROR: ${m}\n`)),
  };
}

/** A logger that records lines; for tests. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const sink = { write: (s: string) => lines.push(s.replace(/\n$/, '')) };
  return Object.assign(createLogger(level, sink, sink), { lines });
}
