/** VER-06: CNB_DEPRECATION_MODE. No API is deprecated today, so the deprecated lists are injected. */
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, type Command } from '../../../src/cli/index.js';
import { isLifecycleError } from '../../../src/errors/index.js';
import {
  ApiVersion,
  buildpackDeprecationPolicy,
  checkApiDeprecation,
  checkBuildpackApi,
  DEPRECATED_BUILDPACK_APIS,
  DEPRECATED_PLATFORM_APIS,
  deprecationMode,
  setBuildpackDeprecationPolicy,
  type DeprecationPolicy,
} from '../../../src/platform/index.js';

const v = (s: string) => ApiVersion.parse(s);
function policy(mode: DeprecationPolicy['mode']): DeprecationPolicy & { warnings: string[] } {
  const warnings: string[] = [];
  return { mode, warn: (m) => warnings.push(m), warnings };
}
function codeOf(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return isLifecycleError(e) ? e.code : 'other';
  }
}

describe('VER-06 CNB_DEPRECATION_MODE', () => {
  it('VER-06 parses warn (default, also unset and unknown), quiet and error, case-insensitively', () => {
    expect(deprecationMode({})).toBe('warn');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: '' })).toBe('warn');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: 'warn' })).toBe('warn');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: 'bogus' })).toBe('warn');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: 'quiet' })).toBe('quiet');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: 'QUIET' })).toBe('quiet');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: 'error' })).toBe('error');
    expect(deprecationMode({ CNB_DEPRECATION_MODE: ' Error ' })).toBe('error');
  });

  it('VER-06 no supported API is deprecated today', () => {
    expect(DEPRECATED_PLATFORM_APIS).toEqual([]);
    expect(DEPRECATED_BUILDPACK_APIS).toEqual([]);
    const p = policy('error');
    expect(codeOf(() => checkApiDeprecation('platform', v('0.7'), 'platform', p))).toBeUndefined();
    expect(codeOf(() => checkApiDeprecation('buildpack', v('0.7'), 'buildpack a@1', p))).toBeUndefined();
  });

  for (const kind of ['platform', 'buildpack'] as const) {
    it(`VER-06 a deprecated ${kind} API: warn logs once, quiet is silent, error fails with exit ${kind === 'platform' ? 11 : 12}`, () => {
      const warn = policy('warn');
      checkApiDeprecation(kind, v('0.7'), 'buildpack acme/a@1.0.0', warn, ['0.7']);
      expect(warn.warnings).toEqual([`${kind === 'platform' ? 'Platform' : 'buildpack acme/a@1.0.0'} requested deprecated API '0.7'`]);
      const quiet = policy('quiet');
      checkApiDeprecation(kind, v('0.7'), 'buildpack acme/a@1.0.0', quiet, ['0.7']);
      expect(quiet.warnings).toEqual([]);
      expect(codeOf(() => checkApiDeprecation(kind, v('0.7'), 'x', policy('error'), ['0.7']))).toBe(kind === 'platform' ? 'ERR_PLATFORM_API' : 'ERR_BUILDPACK_API');
      expect(codeOf(() => checkApiDeprecation(kind, v('0.8'), 'x', policy('error'), ['0.7']))).toBeUndefined();
    });
  }
});

describe('VER-06 through the CLI and checkBuildpackApi', () => {
  let restore: DeprecationPolicy | undefined;
  afterEach(() => {
    if (restore) setBuildpackDeprecationPolicy(restore);
  });

  const noop: Command<object> = { phase: 'detector', verb: 'detect', defineFlags: () => [], resolveInputs: () => ({}), exec: async () => undefined };
  async function run(env: Record<string, string>, deprecated: readonly string[]) {
    let out = '';
    const sink = { write: (s: string) => (out += s) };
    const code = await runCommand(noop, [], { CNB_PLATFORM_API: '0.7', ...env }, { stdout: sink, stderr: sink }, deprecated);
    return { code, out };
  }

  it('VER-06 runCommand: a deprecated Platform API warns by default, is silent with quiet, exits 11 with error', async () => {
    const warned = await run({}, ['0.7']);
    expect(warned.code).toBe(0);
    expect(warned.out).toContain("Platform requested deprecated API '0.7'");
    const quiet = await run({ CNB_DEPRECATION_MODE: 'quiet' }, ['0.7']);
    expect([quiet.code, quiet.out]).toEqual([0, '']);
    const failed = await run({ CNB_DEPRECATION_MODE: 'error' }, ['0.7']);
    expect(failed.code).toBe(11);
    expect(failed.out).toContain("deprecated API '0.7'");
    expect((await run({ CNB_DEPRECATION_MODE: 'error' }, [])).code).toBe(0);
  });

  it('VER-06 runCommand sets the policy checkBuildpackApi uses; error mode still accepts non-deprecated APIs', async () => {
    restore = setBuildpackDeprecationPolicy(policy('warn'));
    await run({ CNB_DEPRECATION_MODE: 'error' }, []);
    expect(buildpackDeprecationPolicy().mode).toBe('error');
    expect(codeOf(() => checkBuildpackApi('0.12', 'buildpack a@1', 'buildpack.toml'))).toBeUndefined();
    expect(codeOf(() => checkBuildpackApi('0.6', 'buildpack a@1', 'buildpack.toml'))).toBe('ERR_BUILDPACK_API');
  });
});
