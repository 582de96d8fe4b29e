import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, parseEnv0, writeBuildpack, writeOrder, type Workspace } from './harness/index.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('cnb-detect-env-');
});
afterEach(async () => ws.cleanup());

type Opts = { args?: string[]; env?: Record<string, string>; platformApi?: string };
const detect = (opts: Opts = {}) => ws.run('detector', { ...opts, args: [...ws.dirArgs, ...(opts.args ?? [])] });
/** Dumps the exact environment the lifecycle gave the script (the shell would drop names like FOO.append). */
const dumpEnv = (name: string) => `cat /proc/$$/environ > ${ws.out}/${name}.env`;
const readEnv = async (name: string) => parseEnv0(await readFile(join(ws.out, `${name}.env`), 'utf8'));

/** One buildpack that dumps its env; returns the env it saw. */
async function envOf(bp: { api?: string; info?: Record<string, boolean> } = {}, opts: Opts = {}): Promise<Record<string, string>> {
  await writeBuildpack(ws.buildpacks, { id: 'e', ...bp, detect: dumpEnv('e') });
  await writeOrder(join(ws.layers, 'order.toml'), [[{ id: 'e', version: '0.0.1' }]]);
  const r = await detect(opts);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return readEnv('e');
}

const userEnv = async (files: Record<string, string>, dir = join(ws.platform, 'env')) => {
  await mkdir(dir, { recursive: true });
  for (const [k, v] of Object.entries(files)) await writeFile(join(dir, k), v);
};

describe('base environment (ENV-04, ENV-05)', () => {
  it('ENV-05/ENV-04 only HOME, proxies, HOSTNAME and path variables reach /bin/detect', async () => {
    const env = await envOf({}, { env: { FOO: 'bar', HOSTNAME: 'h', http_proxy: 'http://p', LD_LIBRARY_PATH: '/ld', CNB_LAYERS_DIR: ws.layers, CNB_APP_DIR: ws.app } });
    expect(env['FOO']).toBeUndefined();
    expect(env['CNB_PLATFORM_API']).toBeUndefined();
    expect(env['CNB_LAYERS_DIR']).toBeUndefined();
    expect(env['CNB_APP_DIR']).toBeUndefined();
    expect(env).toMatchObject({ HOME: '/tmp', HOSTNAME: 'h', http_proxy: 'http://p', LD_LIBRARY_PATH: '/ld' });
    expect(env['PATH']).toBe(process.env['PATH'] ?? '/usr/bin:/bin');
  });
});

describe('user and operator env (ENV-06..ENV-08, EF-02)', () => {
  it('ENV-06/EF-02 <platform>/env values override verbatim; path variables are prepended', async () => {
    await userEnv({ BP_X: 'val\n', PATH: '/user/bin', 'FOO.append': 'x' });
    const env = await envOf({}, { env: { BP_X: 'lifecycle' } });
    expect(env['BP_X']).toBe('val\n');
    expect(env['PATH']).toBe(`/user/bin:${process.env['PATH'] ?? '/usr/bin:/bin'}`);
    expect(env['FOO.append']).toBe('x');
  });

  it('ENV-08/FMT-23 clear-env = true: no <platform>/env variables, the files stay readable', async () => {
    await userEnv({ BP_X: 'val' });
    await writeBuildpack(ws.buildpacks, { id: 'e', info: { 'clear-env': true }, detect: `${dumpEnv('e')}; cat "$CNB_PLATFORM_DIR/env/BP_X" > ${ws.out}/file` });
    await writeOrder(join(ws.layers, 'order.toml'), [[{ id: 'e', version: '0.0.1' }]]);
    expect((await detect()).code).toBe(0);
    expect((await readEnv('e'))['BP_X']).toBeUndefined();
    expect(await readFile(join(ws.out, 'file'), 'utf8')).toBe('val');
  });

  for (const api of ['0.10', '0.11', '0.15']) {
    it(`ENV-07 <build-config>/env applies after user env, unsuffixed = default (Platform ${api})`, async () => {
      await userEnv({ BP_USER: 'user', BP_OVR: 'user' });
      await userEnv({ BP_USER: 'operator-default', BP_NEW: 'operator', 'BP_OVR.override': 'operator' }, join(ws.buildConfig, 'env'));
      const opts = { platformApi: api, env: { CNB_BUILD_CONFIG_DIR: ws.buildConfig } };
      const env = await envOf({ info: { 'clear-env': true } }, opts);
      if (api === '0.10') {
        expect(env['BP_NEW']).toBeUndefined();
        expect((await detect({ platformApi: api, args: ['-build-config', ws.buildConfig] })).code).toBe(2);
        return;
      }
      expect(env['BP_NEW']).toBe('operator'); // applies to clear-env buildpacks too
      const env2 = await envOf({}, opts);
      expect(env2).toMatchObject({ BP_USER: 'user', BP_NEW: 'operator', BP_OVR: 'operator' });
    });
  }
});

describe('CNB_* variables per Buildpack and Platform API (§5.1, ENV-01, ENV-03)', () => {
  const analyzed = `[run-image]\nreference = "r"\n[run-image.target]\nos = "linux"\narch = "arm"\narch-variant = "v7"\n[run-image.target.distro]\nname = "ubuntu"\nversion = "22.04"\n`;

  it('BP 0.7: CNB_BUILDPACK_DIR only; BP 0.8: plus CNB_PLATFORM_DIR and CNB_BUILD_PLAN_PATH', async () => {
    const e7 = await envOf({ api: '0.7' });
    expect(Object.keys(e7).filter((k) => k.startsWith('CNB_'))).toEqual(['CNB_BUILDPACK_DIR']);
    expect(e7['CNB_BUILDPACK_DIR']).toBe(join(ws.buildpacks, 'e', '0.0.1'));
    const e8 = await envOf({ api: '0.8' });
    expect(e8['CNB_PLATFORM_DIR']).toBe(ws.platform);
    expect(e8['CNB_BUILD_PLAN_PATH']).toMatch(/^\/.*plan\.toml$/);
    expect(e8['CNB_TARGET_OS']).toBeUndefined();
  });

  it('ENV-01 BP≥0.10 gets CNB_TARGET_* from <analyzed> run-image.target (Platform 0.12)', async () => {
    await writeFile(join(ws.layers, 'analyzed.toml'), analyzed);
    const env = await envOf({ api: '0.10' }, { platformApi: '0.12' });
    expect(env).toMatchObject({
      CNB_TARGET_OS: 'linux',
      CNB_TARGET_ARCH: 'arm',
      CNB_TARGET_ARCH_VARIANT: 'v7',
      CNB_TARGET_DISTRO_NAME: 'ubuntu',
      CNB_TARGET_DISTRO_VERSION: '22.04',
    });
  });

  it('ENV-03/DT-24 CNB_EXEC_ENV reaches BP 0.12 at Platform 0.15 (default production), not at 0.14', async () => {
    expect((await envOf({ api: '0.12' }))['CNB_EXEC_ENV']).toBe('production');
    expect((await envOf({ api: '0.12' }, { env: { CNB_EXEC_ENV: 'test' } }))['CNB_EXEC_ENV']).toBe('test');
    expect((await envOf({ api: '0.11' }))['CNB_EXEC_ENV']).toBeUndefined();
    expect((await envOf({ api: '0.12' }, { platformApi: '0.14' }))['CNB_EXEC_ENV']).toBeUndefined();
  });

  it('ENV-03 a CNB_EXEC_ENV containing "/" is invalid input (exit 3)', async () => {
    expect((await detect({ env: { CNB_EXEC_ENV: 'a/b' } })).code).toBe(3);
  });
});

describe('targets and execution environments (DT-22, DT-23, DT-24)', () => {
  const target = `[run-image]\nreference = "r"\n[run-image.target]\nos = "linux"\narch = "amd64"\n[run-image.target.distro]\nname = "ubuntu"\nversion = "22.04"\n`;
  const setup = async (extraToml: string, optional = false) => {
    await writeFile(join(ws.layers, 'analyzed.toml'), target);
    await writeBuildpack(ws.buildpacks, { id: 't', extraToml, detect: `touch ${ws.out}/t-ran` });
    await writeBuildpack(ws.buildpacks, { id: 'ok' });
    await writeOrder(join(ws.layers, 'order.toml'), [[{ id: 't', version: '0.0.1', optional }, { id: 'ok', version: '0.0.1' }]]);
  };

  for (const api of ['0.11', '0.12', '0.15']) {
    it(`DT-22 a non-optional target mismatch fails the group as an error without running (Platform ${api})`, async () => {
      await setup('[[targets]]\nos = "linux"\narch = "arm64"\n');
      const r = await detect({ platformApi: api });
      if (api === '0.11') {
        expect(r.code).toBe(0); // no target checks before 0.12
        return;
      }
      expect(r.code).toBe(21);
      expect(r.stdout).toContain('unable to satisfy target os/arch constraints');
      await expect(readFile(join(ws.out, 't-ran'))).rejects.toThrow();
    });
  }

  it('DT-23 a matching distro passes; a non-matching distro list fails', async () => {
    await setup('[[targets]]\nos = "linux"\n[[targets.distros]]\nname = "ubuntu"\nversion = "22.04"\n');
    expect((await detect()).code).toBe(0);
    await setup('[[targets]]\nos = "linux"\n[[targets.distros]]\nname = "alpine"\n');
    expect((await detect()).code).toBe(21);
  });

  it('DT-22 [REF] an optional mismatching buildpack is still run', async () => {
    await setup('[[targets]]\nos = "windows"\n', true);
    expect((await detect()).code).toBe(0);
    expect(await readFile(join(ws.out, 't-ran'), 'utf8')).toBe('');
  });

  it('DT-24/ERRATA-24 buildpacks not supporting CNB_EXEC_ENV are skipped, not failed (0.15 only)', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'dev', info: { 'exec-env': ['development'] }, detect: 'exit 1' });
    await writeBuildpack(ws.buildpacks, { id: 'any', info: { 'exec-env': ['*'] } });
    await writeOrder(join(ws.layers, 'order.toml'), [[{ id: 'dev', version: '0.0.1' }, { id: 'any', version: '0.0.1' }]]);
    const r = await detect();
    expect(r.code, r.stdout).toBe(0);
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).not.toContain('id = "dev"');
    expect((await detect({ platformApi: '0.14' })).code).toBe(21); // not filtered below 0.15: dev errors
    expect((await detect({ env: { CNB_EXEC_ENV: 'development' } })).code).toBe(21);
  });

  it('DT-24 when every buildpack of a group is skipped detection moves to the next group', async () => {
    await writeBuildpack(ws.buildpacks, { id: 'test-only', info: { 'exec-env': ['test'] } });
    await writeBuildpack(ws.buildpacks, { id: 'b' });
    await writeOrder(join(ws.layers, 'order.toml'), [[{ id: 'test-only', version: '0.0.1' }], [{ id: 'b', version: '0.0.1' }]]);
    expect((await detect()).code).toBe(0);
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).toContain('id = "b"');
  });
});
