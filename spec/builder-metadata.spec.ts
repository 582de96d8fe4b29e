import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BP_APIS, readMetadata, runBuilder, setup, workspace, writeGroupFor, type BuildWorkspace } from './fixtures/builder/harness.js';

let ws: BuildWorkspace;
beforeEach(async () => (ws = await workspace()));
afterEach(() => ws.cleanup());

/** A bin/build body writing launch.toml. */
const launch = (toml: string) => `cat > "\${CNB_LAYERS_DIR:-$1}/launch.toml" <<'EOF'\n${toml}\nEOF`;
const proc = (type: string, command: string, extra = '') => `[[processes]]\ntype = "${type}"\ncommand = ${command}\n${extra}\n`;

describe('builder: metadata.toml processes (BL-11..BL-15, BL-18, FMT-LAUNCH, FMT-METADATA)', () => {
  it('BL-11 BL-12 PR-03 later buildpacks replace a type; the last default wins; sorted by type; buildpack-id', async () => {
    await setup(ws, [
      { id: 'acme/a', build: launch(proc('web', '["a-web"]', 'default = true') + proc('worker', '["a-worker"]', 'args = ["-v"]')) },
      { id: 'acme/b', build: launch(proc('web', '["b-web"]', 'args = ["--port", "8080"]') + proc('cli', '["b-cli"]', 'default = true')) },
    ]);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    const md = await readMetadata(ws);
    expect(md['buildpack-default-process-type']).toBe('cli');
    expect(md['processes']).toEqual([
      { type: 'cli', command: ['b-cli'], args: [], direct: true, 'buildpack-id': 'acme/b', 'exec-env': ['*'] },
      { type: 'web', command: ['b-web'], args: ['--port', '8080'], direct: true, 'buildpack-id': 'acme/b', 'exec-env': ['*'] },
      { type: 'worker', command: ['a-worker'], args: ['-v'], direct: true, 'buildpack-id': 'acme/a', 'exec-env': ['*'] },
    ]);
  });

  it('BL-12 a non-default redefinition of the default type clears the default, with a warning', async () => {
    await setup(ws, [
      { id: 'acme/a', build: launch(proc('web', '["a"]', 'default = true')) },
      { id: 'acme/b', build: launch(proc('web', '["b"]')) },
    ]);
    const r = await runBuilder(ws);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/default process type.*web/);
    const md = await readMetadata(ws);
    expect(md['buildpack-default-process-type']).toBeUndefined();
    expect(md['processes'][0]['default']).toBeUndefined();
  });

  it('BL-13 [REF] two default processes in one buildpack fail the build (52)', async () => {
    await setup(ws, [{ id: 'acme/a', build: launch(proc('web', '["a"]', 'default = true') + proc('w2', '["b"]', 'default = true')) }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });

  it('BL-15 a process type with characters REF rejects (/) fails the build (52)', async () => {
    await setup(ws, [{ id: 'acme/a', build: launch(proc('we/b', '["a"]')) }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });

  for (const api of BP_APIS) {
    const old = ['0.7', '0.8'].includes(api);
    it(`BL-14 BP ${api}: command is ${old ? 'a string, direct defaults to false' : 'an array, direct is forbidden'}`, async () => {
      const cmd = old ? '"run.sh"' : '["run.sh", "--always"]';
      await setup(ws, [{ id: 'acme/a', api, build: launch(proc('web', cmd, 'args = ["x"]\nworking-dir = "/w"')) }]);
      const r = await runBuilder(ws);
      expect(r.code, r.stderr).toBe(0);
      const p = (await readMetadata(ws))['processes'][0];
      expect(p.command).toEqual(old ? ['run.sh'] : ['run.sh', '--always']);
      expect(p.args).toEqual(['x']);
      expect(p.direct).toBe(!old);
      // BL-14: working-dir is ignored (with a warning) below BP 0.8
      expect(p['working-dir']).toBe(api === '0.7' ? undefined : '/w');
      if (api === '0.7') expect(r.stderr).toMatch(/working directory/);

      await setup(ws, [{ id: 'acme/a', api, build: launch(proc('web', old ? '["a"]' : '"a"')) }]);
      expect((await runBuilder(ws)).code, 'the other command form is rejected').toBe(52);
      await setup(ws, [{ id: 'acme/a', api, build: launch(proc('web', cmd, 'direct = true')) }]);
      const d = await runBuilder(ws);
      expect(d.code, 'direct').toBe(old ? 0 : 52);
      if (old) expect((await readMetadata(ws))['processes'][0].direct).toBe(true);
    });
  }

  it('BL-18 Platform <0.10 writes command as a string and moves extra elements to the front of args', async () => {
    await setup(ws, [{ id: 'acme/a', build: launch(proc('web', '["run", "--fixed"]', 'args = ["--user"]')) }]);
    for (const api of ['0.7', '0.9']) {
      expect((await runBuilder(ws, { platformApi: api })).code).toBe(0);
      const p = (await readMetadata(ws))['processes'][0];
      expect(p).toEqual({ type: 'web', command: 'run', args: ['--fixed', '--user'], direct: true, 'buildpack-id': 'acme/a' });
    }
    expect((await runBuilder(ws, { platformApi: '0.10' })).code).toBe(0);
    expect((await readMetadata(ws))['processes'][0].command).toEqual(['run', '--fixed']);
  });

  it('FMT-08 (0.15) exec-env is ["*"] unless the BP≥0.12 process restricts it; absent before 0.15', async () => {
    await setup(ws, [{ id: 'acme/a', build: launch(proc('web', '["a"]', 'exec-env = ["test"]') + proc('all', '["b"]')) }]);
    expect((await runBuilder(ws)).code).toBe(0);
    const ps = (await readMetadata(ws))['processes'];
    expect(ps.map((p: any) => [p.type, p['exec-env']])).toEqual([['all', ['*']], ['web', ['test']]]);
    expect((await runBuilder(ws, { platformApi: '0.14' })).code).toBe(0);
    expect((await readMetadata(ws))['processes'][0]['exec-env']).toBeUndefined();
  });

  it('PR-01 the lifecycle never reads a Procfile', async () => {
    await setup(ws, [{ id: 'acme/a', build: 'true' }]);
    await import('node:fs/promises').then((fs) => fs.writeFile(`${ws.app}/Procfile`, 'web: ./server\n'));
    expect((await runBuilder(ws)).code).toBe(0);
    expect((await readMetadata(ws))['processes']).toEqual([]);
  });
});

describe('builder: metadata.toml buildpacks, labels, slices (BL-16, BL-17, FMT-METADATA)', () => {
  it('BL-16 FMT-09 every invoked buildpack is recorded with id, version, api (and homepage)', async () => {
    const bps = [
      { id: 'acme/a', api: '0.9', info: { homepage: 'https://a.example' } },
      { id: 'acme/b', version: '2.0.0', api: '0.12' },
    ];
    await setup(ws, bps);
    expect((await runBuilder(ws)).code).toBe(0);
    expect((await readMetadata(ws))['buildpacks']).toEqual([
      { id: 'acme/a', version: '0.0.1', api: '0.9', homepage: 'https://a.example' },
      { id: 'acme/b', version: '2.0.0', api: '0.12' },
    ]);
  });

  it('BL-16 [REF] group extensions are recorded in [[extensions]] without extension/optional flags', async () => {
    const bps = [{ id: 'acme/a' }];
    await setup(ws, bps);
    await writeGroupFor(ws, bps, '\n[[group-extensions]]\nid = "acme/ext"\nversion = "1.0.0"\napi = "0.10"\nextension = true\noptional = true\n');
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    expect((await readMetadata(ws))['extensions']).toEqual([{ id: 'acme/ext', version: '1.0.0', api: '0.10' }]);
  });

  it('BL-17 ERRATA-23 slices and labels are aggregated in buildpack order', async () => {
    await setup(ws, [
      { id: 'acme/a', build: launch('[[labels]]\nkey = "k1"\nvalue = "a"\n[[slices]]\npaths = ["static/*"]\n') },
      { id: 'acme/b', build: launch('[[labels]]\nkey = "k1"\nvalue = "b"\n[[labels]]\nkey = "k2"\nvalue = "c"\n[[slices]]\npaths = ["bin", "lib/*.so"]\n') },
    ]);
    expect((await runBuilder(ws)).code).toBe(0);
    const md = await readMetadata(ws);
    expect(md['slices']).toEqual([{ paths: ['static/*'] }, { paths: ['bin', 'lib/*.so'] }]);
    expect(md['labels']).toEqual([
      { key: 'k1', value: 'a' },
      { key: 'k1', value: 'b' },
      { key: 'k2', value: 'c' },
    ]);
  });

  it('FMT-LAUNCH a malformed launch.toml fails the build (52)', async () => {
    await setup(ws, [{ id: 'acme/a', build: launch('[[processes]]\ntype = "web"\n') }]);
    expect((await runBuilder(ws)).code).toBe(52);
    await setup(ws, [{ id: 'acme/a', build: launch('[[processes]\n') }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });
});
