import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyEnvFiles, parseEnvFileName, readEnvDir, type EnvFile } from '../../../src/env/index.js';

const f = (file: string, value: string): EnvFile => ({ file, value });
const linux = { os: 'linux' } as const;

describe('env file names (EF-01)', () => {
  it('EF-01 the name ends at the first dot and the suffix picks the action', () => {
    expect(parseEnvFileName('FOO', 'override')).toEqual({ name: 'FOO', action: 'override' });
    expect(parseEnvFileName('FOO', 'default')).toEqual({ name: 'FOO', action: 'default' });
    expect(parseEnvFileName('FOO.append', 'override')).toEqual({ name: 'FOO', action: 'append' });
    expect(parseEnvFileName('FOO.prepend', 'override')).toEqual({ name: 'FOO', action: 'prepend' });
    expect(parseEnvFileName('FOO.default', 'override')).toEqual({ name: 'FOO', action: 'default' });
    expect(parseEnvFileName('FOO.override', 'default')).toEqual({ name: 'FOO', action: 'override' });
    expect(parseEnvFileName('FOO.delim', 'override')).toEqual({ name: 'FOO', delim: true });
  });

  it('EF-01 unknown and compound suffixes are ignored', () => {
    expect(parseEnvFileName('FOO.x', 'override')).toBeUndefined();
    expect(parseEnvFileName('FOO.x.append', 'override')).toBeUndefined();
    expect(parseEnvFileName('.hidden', 'override')).toBeUndefined();
  });
});

describe('env file actions (EF-02..EF-08)', () => {
  it('EF-02 contents are verbatim (trailing newline kept)', () => {
    expect(applyEnvFiles({}, [f('FOO', ' bar \n')], 'override', linux)).toEqual({ FOO: ' bar \n' });
  });

  it('EF-03 override replaces the value', () => {
    expect(applyEnvFiles({ FOO: 'old' }, [f('FOO.override', 'new')], 'override', linux)).toEqual({ FOO: 'new' });
  });

  it('EF-04 default applies only to an empty or unset variable', () => {
    expect(applyEnvFiles({ FOO: 'set' }, [f('FOO.default', 'd')], 'override', linux)).toEqual({ FOO: 'set' });
    expect(applyEnvFiles({ FOO: '' }, [f('FOO.default', 'd')], 'override', linux)).toEqual({ FOO: 'd' });
    expect(applyEnvFiles({}, [f('FOO.default', 'd')], 'override', linux)).toEqual({ FOO: 'd' });
  });

  it('EF-05/EF-07 append uses the .delim of the same directory, else the empty string', () => {
    expect(applyEnvFiles({ P: 'a' }, [f('P.append', 'b')], 'override', linux)).toEqual({ P: 'ab' });
    expect(applyEnvFiles({ P: 'a' }, [f('P.append', 'b'), f('P.delim', ':')], 'override', linux)).toEqual({ P: 'a:b' });
  });

  it('EF-06/EF-07 prepend puts the contents first with the delimiter', () => {
    expect(applyEnvFiles({ P: 'a' }, [f('P.delim', ','), f('P.prepend', 'b')], 'override', linux)).toEqual({ P: 'b,a' });
    expect(applyEnvFiles({ P: 'a' }, [f('P.prepend', 'b')], 'override', linux)).toEqual({ P: 'ba' });
  });

  it('EF-07 the delimiter is not inserted when the existing value is empty', () => {
    expect(applyEnvFiles({}, [f('P.append', 'b'), f('P.delim', ':')], 'override', linux)).toEqual({ P: 'b' });
    expect(applyEnvFiles({ P: '' }, [f('P.delim', ':'), f('P.prepend', 'b')], 'override', linux)).toEqual({ P: 'b' });
  });

  it('EF-08 files apply in the given (ascending) order', () => {
    const files = [f('P.append', 'x'), f('P.delim', '/'), f('P.override', 'o'), f('P.prepend', 'y')];
    expect(applyEnvFiles({ P: 'a' }, files, 'override', linux)).toEqual({ P: 'y/o' });
  });

  it('EF-01 an unsuffixed file uses the directory default action', () => {
    expect(applyEnvFiles({ FOO: 'x' }, [f('FOO', 'y')], 'override', linux)).toEqual({ FOO: 'y' });
    expect(applyEnvFiles({ FOO: 'x' }, [f('FOO', 'y')], 'default', linux)).toEqual({ FOO: 'x' });
  });

  it('does not mutate its input', () => {
    const env = { FOO: 'x' };
    applyEnvFiles(env, [f('FOO', 'y')], 'override', linux);
    expect(env).toEqual({ FOO: 'x' });
  });

  it('Windows names compare case-insensitively', () => {
    expect(applyEnvFiles({ Path: 'a' }, [f('PATH.append', 'b'), f('PATH.delim', ';')], 'override', { os: 'windows' })).toEqual({ PATH: 'a;b' });
  });
});

describe('readEnvDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'envdir-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('EF-01 reads files sorted, skips subdirectories, follows symlinks', async () => {
    await writeFile(join(dir, 'B.append'), 'b\n');
    await writeFile(join(dir, 'A'), 'a');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'target'), 't');
    await symlink(join(dir, 'target'), join(dir, 'C'));
    await symlink(join(dir, 'sub'), join(dir, 'D'));
    expect(await readEnvDir(dir)).toEqual([f('A', 'a'), f('B.append', 'b\n'), f('C', 't'), f('target', 't')]);
  });

  it('a missing directory reads as empty', async () => {
    expect(await readEnvDir(join(dir, 'nope'))).toEqual([]);
  });
});
