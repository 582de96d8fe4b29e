import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../../../../src/errors/index.js';
import { create, runsRestore, subPhaseError, type CreatorInputs, type CreatorSteps, type SubPhase } from '../../../../src/phase/index.js';
import { ApiVersion } from '../../../../src/platform/index.js';
import { memoryLogger, SpawnProcessRunner } from '../../../../src/sys/index.js';

function inputs(api: string, skipRestore = false): CreatorInputs {
  return { platformApi: ApiVersion.parse(api), skipRestore } as unknown as CreatorInputs;
}

function recordingSteps(calls: SubPhase[], failAt?: SubPhase, error?: unknown): CreatorSteps {
  const step = (p: SubPhase) => async () => {
    calls.push(p);
    if (p === failAt) throw error;
  };
  return { analyze: step('analyze'), detect: step('detect'), restore: step('restore'), build: step('build'), export: step('export') };
}

describe('creator service', () => {
  it('CR-01 ERRATA-16 runs analyze, detect, restore, build, export in order, each after its ===> header', async () => {
    const calls: SubPhase[] = [];
    const logger = memoryLogger('info');
    const ran = await create(inputs('0.15'), { steps: recordingSteps(calls), logger, runner: new SpawnProcessRunner() });
    expect(ran).toEqual(['analyze', 'detect', 'restore', 'build', 'export']);
    expect(calls).toEqual(ran);
    expect(logger.lines).toEqual(['===> ANALYZING', '===> DETECTING', '===> RESTORING', '===> BUILDING', '===> EXPORTING']);
  });

  it('CR-03 below 0.10 -skip-restore drops the restore step; from 0.10 it still runs', () => {
    expect(runsRestore(inputs('0.9', true))).toBe(false);
    expect(runsRestore(inputs('0.10', true))).toBe(true);
    expect(runsRestore(inputs('0.9', false))).toBe(true);
  });

  it('CR-05 stops at the failing step; a lower-layer code becomes that step\'s phase code', async () => {
    const calls: SubPhase[] = [];
    const p = create(inputs('0.15'), {
      steps: recordingSteps(calls, 'restore', new LifecycleError('ERR_TAR', 'bad tar')),
      logger: memoryLogger(),
      runner: new SpawnProcessRunner(),
    });
    await expect(p).rejects.toMatchObject({ code: 'ERR_RESTORE', message: 'bad tar' });
    expect(calls).toEqual(['analyze', 'detect', 'restore']);
  });

  it('CR-05 codes with a fixed exit number pass through unchanged', () => {
    for (const code of ['ERR_DETECT_FAILED', 'ERR_DETECT_ERRORED', 'ERR_BUILDPACK_FAILED', 'ERR_BUILDPACK_API', 'ERR_GENERIC', 'ERR_INVALID_ARGS', 'ERR_EXPORT'] as const) {
      const e = new LifecycleError(code, 'x');
      expect(subPhaseError(e, 'build')).toBe(e);
    }
    expect(subPhaseError(new LifecycleError('ERR_REGISTRY', 'x'), 'analyze')).toMatchObject({ code: 'ERR_ANALYZE' });
    expect(subPhaseError(new LifecycleError('ERR_TOML', 'x'), 'detect')).toMatchObject({ code: 'ERR_DETECT' });
    expect(subPhaseError(new LifecycleError('ERR_IO', 'x'), 'export')).toMatchObject({ code: 'ERR_EXPORT' });
    const plain = new Error('bug');
    expect(subPhaseError(plain, 'build')).toBe(plain);
  });
});
