import type { Logger } from '../../sys/index.js';

type Level = 'debug' | 'info';

/**
 * DT-28 [REF]: the resolver's log is held back and replayed at the end of detection: at its own level on
 * success, and every line (debug included) at info level when detection fails.
 */
export class DetectLog {
  private readonly entries: { level: Level; msg: string }[] = [];

  debug(msg: string): void {
    this.entries.push({ level: 'debug', msg });
  }

  info(msg: string): void {
    this.entries.push({ level: 'info', msg });
  }

  /** The recorded lines (tests). */
  lines(): string[] {
    return this.entries.map((e) => e.msg);
  }

  /** Replays the log into `logger`; with `failed`, every line is printed at info level. */
  flush(logger: Logger, failed: boolean): void {
    for (const e of this.entries) {
      if (failed || e.level === 'info') logger.info(e.msg);
      else logger.debug(e.msg);
    }
    this.entries.length = 0;
  }
}
