import { describe, expect, it } from 'vitest';
import { experimentalMode, guardExperimental } from '../../../../src/phase/index.js';
import { memoryLogger } from '../../../../src/sys/index.js';

describe('GEN-10 / ERRATA-01 experimental mode', () => {
  it('reads warn, quiet, silent (= quiet) and defaults to error', () => {
    expect(experimentalMode({})).toBe('error');
    expect(experimentalMode({ CNB_EXPERIMENTAL_MODE: 'warn' })).toBe('warn');
    expect(experimentalMode({ CNB_EXPERIMENTAL_MODE: 'quiet' })).toBe('quiet');
    expect(experimentalMode({ CNB_EXPERIMENTAL_MODE: 'silent' })).toBe('quiet');
    expect(experimentalMode({ CNB_EXPERIMENTAL_MODE: 'bogus' })).toBe('error');
  });

  it('warn logs, quiet is silent, error throws', () => {
    const log = memoryLogger();
    guardExperimental('X', { CNB_EXPERIMENTAL_MODE: 'warn' }, log);
    expect(log.lines.join('\n')).toContain("Platform requested experimental feature 'X'");
    const quiet = memoryLogger();
    guardExperimental('X', { CNB_EXPERIMENTAL_MODE: 'silent' }, quiet);
    expect(quiet.lines).toEqual([]);
    expect(() => guardExperimental('X', {}, memoryLogger())).toThrow('experimental features are disabled by CNB_EXPERIMENTAL_MODE=error');
  });
});
