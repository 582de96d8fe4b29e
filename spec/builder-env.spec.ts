import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BP_APIS, outFile, parseEnvDump, planEntry, runBuilder, setup, workspace, type BuildWorkspace } from './fixtures/builder/harness.js';

let ws: BuildWorkspace;
beforeEach(async () => (ws = await workspace()));
afterEach(() => ws.cleanup());

const dumpEnv = (n: string) => `env > "$OUT/${n}.env"`;
/** A bin/build body creating a build layer `name` with `files` (path → contents, relative to the layer). */
function layer(name: string, types: string, files: Record<string, string> = {}): string {
  const lines = [`mkdir -p "$CNB_LAYERS_DIR/${name}"`, `printf '[types]\\n${types}\\n' > "$CNB_LAYERS_DIR/${name}.toml"`];
  for (const [p, v] of Object.entries(files)) {
    lines.push(`mkdir -p "$(dirname "$CNB_LAYERS_DIR/${name}/${p}")"`, `printf '%s' '${v}' > "$CNB_LAYERS_DIR/${name}/${p}"`);
  }
  return lines.join('\n');
}

describe('builder: the environment of /bin/build (§5)', () => {
  it('ENV-05 ENV-04 only HOME, the POSIX path variables and the allow-list reach buildpacks', async () => {
    await setup(ws, [{ id: 'acme/a', build: dumpEnv('a') }]);
    const r = await runBuilder(ws, { env: { FOO: 'bar', HOSTNAME: 'h1', http_proxy: 'http://p', CNB_STACK_ID: 'stack', CNB_APP_DIR: ws.app, LIBRARY_PATH: '/lib-x' } });
    expect(r.code, r.stderr).toBe(0);
    const env = parseEnvDump(await outFile(ws, 'a.env'));
    expect(env['FOO']).toBeUndefined();
    expect(env['CNB_PLATFORM_API']).toBeUndefined();
    expect(env['CNB_APP_DIR']).toBeUndefined();
    expect(env).toMatchObject({ HOME: '/tmp', HOSTNAME: 'h1', http_proxy: 'http://p', CNB_STACK_ID: 'stack', LIBRARY_PATH: '/lib-x' });
    expect(env['PATH']).toBeDefined();
  });

  for (const api of BP_APIS) {
    it(`§5.1 BP ${api}: CNB_BUILDPACK_DIR always; CNB_LAYERS_DIR, CNB_PLATFORM_DIR, CNB_BP_PLAN_PATH from 0.8; CNB_EXEC_ENV from 0.12`, async () => {
      await setup(ws, [{ id: 'acme/a', api, build: dumpEnv('a') }]);
      const r = await runBuilder(ws, { env: { CNB_EXEC_ENV: 'test' } });
      expect(r.code, r.stderr).toBe(0);
      const env = parseEnvDump(await outFile(ws, 'a.env'));
      expect(env['CNB_BUILDPACK_DIR']).toBe(join(ws.buildpacks, 'acme_a', '0.0.1'));
      const from08 = !['0.7'].includes(api);
      expect(env['CNB_LAYERS_DIR']).toBe(from08 ? join(ws.layers, 'acme_a') : undefined);
      expect(env['CNB_PLATFORM_DIR']).toBe(from08 ? ws.platform : undefined);
      expect(env['CNB_BP_PLAN_PATH'] !== undefined).toBe(from08);
      expect(env['CNB_EXEC_ENV']).toBe(api === '0.12' ? 'test' : undefined);
    });
  }

  it('ENV-03 CNB_EXEC_ENV defaults to production (Platform 0.15) and is absent before 0.15', async () => {
    await setup(ws, [{ id: 'acme/a', build: dumpEnv('a') }]);
    expect((await runBuilder(ws)).code).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'a.env'))['CNB_EXEC_ENV']).toBe('production');
    expect((await runBuilder(ws, { platformApi: '0.14', env: { CNB_EXEC_ENV: 'test' } })).code).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'a.env'))['CNB_EXEC_ENV']).toBeUndefined();
  });

  it('ENV-01 CNB_TARGET_* come from <analyzed> run-image.target (Platform ≥0.12, BP≥0.10)', async () => {
    await setup(ws, [{ id: 'acme/new', api: '0.10', build: dumpEnv('new') }, { id: 'acme/old', api: '0.9', build: dumpEnv('old') }]);
    await writeFile(
      join(ws.layers, 'analyzed.toml'),
      '[run-image]\nreference = "r"\n[run-image.target]\nos = "linux"\narch = "arm64"\narch-variant = "v8"\n[run-image.target.distribution]\nname = "ubuntu"\nversion = "22.04"\n',
    );
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'new.env'))).toMatchObject({
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'arm64',
      CNB_TARGET_ARCH_VARIANT: 'v8',
      CNB_TARGET_DISTRO_NAME: 'ubuntu',
      CNB_TARGET_DISTRO_VERSION: '22.04',
    });
    expect(parseEnvDump(await outFile(ws, 'old.env'))['CNB_TARGET_OS']).toBeUndefined();
  });

  it('ENV-06 ENV-08 <platform>/env: overrides, POSIX path vars prepended; skipped for clear-env buildpacks', async () => {
    await writeFile(join(ws.platform, 'env', 'BP_FOO'), 'user-value');
    await writeFile(join(ws.platform, 'env', 'PATH'), '/user/bin');
    await setup(ws, [
      { id: 'acme/a', build: `${layer('tools', 'build = true', { 'env/BP_FOO': 'from-layer', 'bin/x': '' })}\n${dumpEnv('a')}` },
      { id: 'acme/b', build: dumpEnv('b') },
      { id: 'acme/clear', info: { 'clear-env': true }, build: `${dumpEnv('clear')}; ls "$CNB_PLATFORM_DIR/env" > "$OUT/clear.ls"` },
    ]);
    const r = await runBuilder(ws, { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    const a = parseEnvDump(await outFile(ws, 'a.env'));
    expect(a['BP_FOO']).toBe('user-value');
    expect(a['PATH']).toBe('/user/bin:/usr/bin:/bin');
    const b = parseEnvDump(await outFile(ws, 'b.env'));
    expect(b['BP_FOO']).toBe('user-value'); // a buildpack cannot change a user value for later ones
    expect(b['PATH']).toBe(`/user/bin:${join(ws.layers, 'acme_a', 'tools', 'bin')}:/usr/bin:/bin`);
    const c = parseEnvDump(await outFile(ws, 'clear.env'));
    expect(c['BP_FOO']).toBe('from-layer');
    expect(c['PATH']).toBe(`${join(ws.layers, 'acme_a', 'tools', 'bin')}:/usr/bin:/bin`);
    expect(await outFile(ws, 'clear.ls')).toContain('BP_FOO');
  });

  it('ENV-07 <build-config>/env applies last, unsuffixed = default, also for clear-env (Platform ≥0.11 only)', async () => {
    await writeFile(join(ws.buildConfig, 'env', 'OP_DEFAULT'), 'op');
    await writeFile(join(ws.buildConfig, 'env', 'BP_FOO.override'), 'operator');
    await writeFile(join(ws.platform, 'env', 'BP_FOO'), 'user');
    await setup(ws, [{ id: 'acme/a', build: dumpEnv('a') }, { id: 'acme/clear', info: { 'clear-env': true }, build: dumpEnv('clear') }]);
    expect((await runBuilder(ws)).code).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'a.env'))).toMatchObject({ OP_DEFAULT: 'op', BP_FOO: 'operator' });
    expect(parseEnvDump(await outFile(ws, 'clear.env'))).toMatchObject({ OP_DEFAULT: 'op', BP_FOO: 'operator' });
    expect((await runBuilder(ws, { platformApi: '0.10' })).code).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'a.env'))['OP_DEFAULT']).toBeUndefined();
  });
});

describe('builder: build layers in later buildpacks (BL-09, ENV-09, ENV-10, EF-*)', () => {
  it('BL-09 ENV-09 ENV-10 earlier build=true layers are prepended (later first); own and non-build layers never', async () => {
    await setup(ws, [
      {
        id: 'acme/a',
        build: [layer('a1', 'build = true', { 'bin/t': '', 'lib/l': '', 'include/h': '', 'pkgconfig/p': '' }), layer('a2', 'build = true', { 'bin/t': '' }), layer('launchonly', 'launch = true', { 'bin/t': '' }), dumpEnv('a')].join('\n'),
      },
      { id: 'acme/b', build: [layer('b1', 'build = true\ncache = true', { 'bin/t': '' }), dumpEnv('b')].join('\n') },
      { id: 'acme/c', build: dumpEnv('c') },
    ]);
    const r = await runBuilder(ws, { env: { PATH: '/usr/bin:/bin' } });
    expect(r.code, r.stderr).toBe(0);
    const L = (bp: string, l: string, sub: string) => join(ws.layers, bp, l, sub);
    expect(parseEnvDump(await outFile(ws, 'a.env'))['PATH']).toBe('/usr/bin:/bin');
    expect(parseEnvDump(await outFile(ws, 'b.env'))['PATH']).toBe(`${L('acme_a', 'a2', 'bin')}:${L('acme_a', 'a1', 'bin')}:/usr/bin:/bin`);
    const c = parseEnvDump(await outFile(ws, 'c.env'));
    expect(c['PATH']).toBe(`${L('acme_b', 'b1', 'bin')}:${L('acme_a', 'a2', 'bin')}:${L('acme_a', 'a1', 'bin')}:/usr/bin:/bin`);
    expect(c['LD_LIBRARY_PATH']).toBe(L('acme_a', 'a1', 'lib'));
    expect(c['LIBRARY_PATH']).toBe(L('acme_a', 'a1', 'lib'));
    expect(c['CPATH']).toBe(L('acme_a', 'a1', 'include'));
    expect(c['PKG_CONFIG_PATH']).toBe(L('acme_a', 'a1', 'pkgconfig'));
  });

  it('EF-01..EF-07 env/ and env.build/ of earlier build layers: override, default, append/prepend with delim, verbatim', async () => {
    await setup(ws, [
      {
        id: 'acme/a',
        build: layer('l1', 'build = true', {
          'env/OVR': 'one',
          'env.build/OVR': 'two',
          'env/DEF.default': 'd1',
          'env/APP.append': 'x',
          'env/APP.delim': ',',
          'env/PRE.prepend': 'p',
          'env/NODELIM.append': 'n',
          'env/NL': 'line\n',
          'env/BAD.x.append': 'ignored',
          'env.launch/LAUNCHONLY': 'no',
        }),
      },
      {
        id: 'acme/b',
        build: `${layer('l1', 'build = true', { 'env/DEF.default': 'd2', 'env/APP.append': 'y', 'env/APP.delim': ',', 'env/PRE.prepend': 'q', 'env/PRE.delim': ':' })}\nprintf '%s' "$NL" > "$OUT/nl"`,
      },
      { id: 'acme/c', build: dumpEnv('c') },
    ]);
    const r = await runBuilder(ws, { env: { APP: 'base', NODELIM: 'z' } });
    expect(r.code, r.stderr).toBe(0);
    expect(await outFile(ws, 'nl')).toBe('line\n'); // EF-02: verbatim, trailing newline kept
    const c = parseEnvDump(await outFile(ws, 'c.env'));
    expect(c['OVR']).toBe('two'); // EF-03: env.build beats env
    expect(c['DEF']).toBe('d1'); // EF-04: earlier buildpack wins
    expect(c['APP']).toBe('x,y'); // EF-05 (APP from the lifecycle env is not allow-listed)
    expect(c['PRE']).toBe('q:p'); // EF-06
    expect(c['NODELIM']).toBe('n'); // EF-07: empty delimiter, base value filtered out
    expect(c['BAD']).toBeUndefined(); // EF-01 [REF] compound suffix ignored
    expect(c['LAUNCHONLY']).toBeUndefined(); // EF-09
  });

  it('EF-07 [REF] without a .delim file append/prepend join with the empty string', async () => {
    await setup(ws, [
      { id: 'acme/a', build: layer('l', 'build = true', { 'env/PATH.append': ':/appended' }) },
      { id: 'acme/b', build: dumpEnv('b') },
    ]);
    expect((await runBuilder(ws, { env: { PATH: '/usr/bin:/bin' } })).code).toBe(0);
    expect(parseEnvDump(await outFile(ws, 'b.env'))['PATH']).toBe('/usr/bin:/bin:/appended');
  });

  it('ENV-10 LY-02 a layer without build=true (cache or launch only) does not change the build env', async () => {
    await setup(ws, [
      { id: 'acme/a', build: [layer('c', 'cache = true', { 'env/C': '1', 'bin/t': '' }), layer('l', 'launch = true', { 'env/L': '1' })].join('\n') },
      { id: 'acme/b', build: dumpEnv('b') },
    ], planEntry('x', ['acme/a']));
    expect((await runBuilder(ws, { env: { PATH: '/usr/bin:/bin' } })).code).toBe(0);
    const b = parseEnvDump(await outFile(ws, 'b.env'));
    expect(b['C']).toBeUndefined();
    expect(b['L']).toBeUndefined();
    expect(b['PATH']).toBe('/usr/bin:/bin');
  });
});

