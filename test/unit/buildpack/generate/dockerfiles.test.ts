import { describe, expect, it } from 'vitest';
import { selectRunImage, updateAnalyzed, validateBuildDockerfile, validateRunDockerfile, type DockerfileInfo } from '../../../../src/buildpack/index.js';
import { ApiVersion, emptyLifecycleMetadata, parseDockerfile } from '../../../../src/platform/index.js';
import { memoryLogger } from '../../../../src/sys/index.js';

const api = (v: string) => ApiVersion.parse(v);
const df = (text: string) => parseDockerfile(text, '/x/run.Dockerfile');

describe('parseDockerfile', () => {
  it('joins continuation lines, skips comments, splits flags and the JSON form', () => {
    const d = df('# syntax=docker/dockerfile:1\nARG base_image\nFROM ${base_image}\n# c\nRUN a \\\n  # inner comment\n  b\nCOPY --chown=1:2 src /dst\nSHELL ["/bin/bash", "-c"]');
    expect(d.metaArgs.map((a) => a.args)).toEqual(['base_image']);
    expect(d.stages).toHaveLength(1);
    const [run, copy, shell] = d.stages[0]!.instructions;
    expect(run).toMatchObject({ keyword: 'RUN', args: 'a   b', line: 5 });
    expect(copy).toMatchObject({ keyword: 'COPY', flags: { chown: '1:2' }, args: 'src /dst' });
    expect(shell?.json).toEqual(['/bin/bash', '-c']);
  });

  it('honours the escape directive and rejects instructions before FROM other than ARG', () => {
    expect(df('# escape=`\nFROM a\nRUN x `\n y').stages[0]!.instructions[0]!.args).toBe('x  y');
    expect(() => df('RUN x\nFROM a')).toThrow(/before the first FROM/);
  });
});

describe('GE-06/GE-07 validation', () => {
  const log = memoryLogger();
  it('build.Dockerfile needs ARG base_image + FROM ${base_image}, single stage', () => {
    expect(validateBuildDockerfile(df('ARG base_image\nFROM ${base_image}\nRUN x'), 'e', log).kind).toBe('build');
    expect(() => validateBuildDockerfile(df('FROM ${base_image}'), 'e', log)).toThrow(/required ARG/);
    expect(() => validateBuildDockerfile(df('ARG base_image\nFROM ubuntu'), 'e', log)).toThrow(/FROM \$\{base_image\}/);
    expect(() => validateBuildDockerfile(df('ARG base_image\nFROM ${base_image}\nFROM x'), 'e', log)).toThrow(/multistage/);
  });

  it('run.Dockerfile: switching vs extending (≥0.12), FROM only before 0.12, warnings for other instructions', () => {
    const l = memoryLogger();
    expect(validateRunDockerfile(df('FROM new'), 'e', api('0.12'), l)).toMatchObject({ newBase: 'new', extend: false });
    expect(validateRunDockerfile(df('FROM new\nRUN x'), 'e', api('0.12'), l)).toMatchObject({ newBase: 'new', extend: true });
    expect(validateRunDockerfile(df('ARG base_image\nFROM ${base_image}'), 'e', api('0.12'), l)).toMatchObject({ extend: true });
    expect(() => validateRunDockerfile(df('FROM new\nRUN x'), 'e', api('0.11'), l)).toThrow(/other than FROM/);
    validateRunDockerfile(df('FROM new\nEXPOSE 1'), 'e', api('0.12'), l);
    expect(l.lines.join('\n')).toContain('run.Dockerfile command EXPOSE on line 2 is not recommended');
  });
});

describe('GE-10 run image selection', () => {
  const run = (id: string, o: Partial<DockerfileInfo>): DockerfileInfo => ({ extensionId: id, kind: 'run', path: `/${id}`, extend: false, ...o });
  const build = (id: string): DockerfileInfo => ({ extensionId: id, kind: 'build', path: `/${id}b`, extend: true });

  it('the last switch wins, earlier run.Dockerfiles are ignored, later extending ones set extend', () => {
    const a = run('a', { newBase: 'x' });
    const b = run('b', { newBase: 'y' });
    const c = run('c', { extend: true });
    expect(selectRunImage([a, build('a'), b, c])).toEqual({ newBase: 'y', extend: true, ignored: [a] });
    expect(selectRunImage([c, a])).toEqual({ newBase: 'x', extend: false, ignored: [c] });
    expect(selectRunImage([c, run('d', { extend: true })])).toEqual({ extend: true, ignored: [] });
    expect(selectRunImage([build('z')])).toEqual({ extend: false, ignored: [] });
  });

  it('updateAnalyzed: new image drops reference/target; ≥0.13 build-image.extend; GE-11 warning', () => {
    const logger = memoryLogger();
    const analyzed = { metadata: emptyLifecycleMetadata(), runImage: { reference: 'r@sha256:1', image: 'r', target: { os: 'linux', arch: 'amd64' } } };
    const out = updateAnalyzed(analyzed, { newBase: 'n', extend: true, ignored: [] }, true, { platformApi: api('0.13'), runToml: [{ image: 'docker.io/library/n:latest', mirrors: [] }], logger });
    expect(out.runImage).toEqual({ reference: 'n', image: 'n', extend: true });
    expect(out.buildImage).toEqual({ reference: '', extend: true });
    expect(logger.lines.join('\n')).not.toContain('not found in run metadata'); // n ≡ docker.io/library/n:latest
    const same = updateAnalyzed(analyzed, { newBase: 'r', extend: false, ignored: [] }, false, { platformApi: api('0.12'), runToml: [], logger });
    expect(same.runImage?.reference).toBe('r@sha256:1'); // not new: unchanged
    expect(same.buildImage).toBeUndefined();
  });
});
