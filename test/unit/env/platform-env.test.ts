import { describe, expect, it } from 'vitest';
import { applyBuildConfigEnv, applyPlatformEnv, assembleInvocationEnv, baseBuildEnv, type EnvFile } from '../../../src/env/index.js';

const f = (file: string, value: string): EnvFile => ({ file, value });
const linux = { os: 'linux' } as const;

describe('base environment (ENV-04, ENV-05)', () => {
  it('ENV-05 only the allow-list and POSIX path variables pass', () => {
    const env = baseBuildEnv(
      {
        PATH: '/bin',
        HOME: '/home/x',
        HOSTNAME: 'h',
        http_proxy: 'p',
        HTTPS_PROXY: 'q',
        NO_PROXY: 'n',
        LD_LIBRARY_PATH: '/l',
        LIBRARY_PATH: '/ll',
        CPATH: '/c',
        PKG_CONFIG_PATH: '/pc',
        CNB_STACK_ID: 's',
        FOO: 'bar',
        BP_X: 'no',
      },
      linux,
    );
    expect(Object.keys(env).sort()).toEqual(
      ['CNB_STACK_ID', 'CPATH', 'HOME', 'HOSTNAME', 'HTTPS_PROXY', 'LD_LIBRARY_PATH', 'LIBRARY_PATH', 'NO_PROXY', 'PATH', 'PKG_CONFIG_PATH', 'http_proxy'].sort(),
    );
  });

  it('ENV-04 other CNB_* variables of the lifecycle are not passed', () => {
    const env = baseBuildEnv({ CNB_PLATFORM_API: '0.15', CNB_LAYERS_DIR: '/layers', CNB_EXEC_ENV: 'test', PATH: '/bin' }, linux);
    expect(env).toEqual({ PATH: '/bin' });
  });
});

describe('user and operator env (ENV-06, ENV-07, ENV-08)', () => {
  it('ENV-06 POSIX path variables are prepended with ":", others override', () => {
    const env = applyPlatformEnv({ PATH: '/bin', FOO: 'old' }, [f('PATH', '/user/bin'), f('FOO', 'new'), f('LD_LIBRARY_PATH', '/ul')], linux);
    expect(env).toEqual({ PATH: '/user/bin:/bin', FOO: 'new', LD_LIBRARY_PATH: '/ul' });
  });

  it('ENV-06 the whole file name is the variable name (no suffix parsing)', () => {
    expect(applyPlatformEnv({}, [f('FOO.append', 'x')], linux)).toEqual({ 'FOO.append': 'x' });
  });

  it('ENV-06 Windows uses ";" as path list separator', () => {
    expect(applyPlatformEnv({ PATH: 'C:\\bin' }, [f('PATH', 'D:\\u')], { os: 'windows' })).toEqual({ PATH: 'D:\\u;C:\\bin' });
  });

  it('ENV-07 an unsuffixed build-config file means default; suffixes follow §6', () => {
    const files = [f('A', 'dflt'), f('B', 'dflt'), f('C.override', 'o'), f('D.append', 'x'), f('D.delim', ':')];
    expect(applyBuildConfigEnv({ A: 'set', D: 'd' }, files, linux)).toEqual({ A: 'set', B: 'dflt', C: 'o', D: 'd:x' });
  });

  it('ENV-11 order: base, <platform>/env, <build-config>/env, then CNB_* variables', () => {
    const env = assembleInvocationEnv(
      {
        base: { PATH: '/bin', HOME: '/h' },
        files: { platform: [f('BP_X', 'user'), f('OP', 'user'), f('CNB_BUILDPACK_DIR', 'evil')], buildConfig: [f('OP.override', 'operator'), f('BP_X', 'op-default')] },
        clearEnv: false,
        cnbVars: { CNB_BUILDPACK_DIR: '/bp' },
      },
      linux,
    );
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', BP_X: 'user', OP: 'operator', CNB_BUILDPACK_DIR: '/bp' });
  });

  it('ENV-08/FMT-23 clear-env skips <platform>/env but keeps <build-config>/env', () => {
    const env = assembleInvocationEnv(
      { base: {}, files: { platform: [f('BP_X', 'user')], buildConfig: [f('OP', 'operator')] }, clearEnv: true, cnbVars: {} },
      linux,
    );
    expect(env).toEqual({ OP: 'operator' });
  });
});
