import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outFile, runBuilder, setup, workspace, type BuildWorkspace } from './fixtures/builder/harness.js';

let ws: BuildWorkspace;
beforeEach(async () => (ws = await workspace()));
afterEach(() => ws.cleanup());

const exists = (p: string) => access(p).then(() => true, () => false);
const mk = (name: string, toml: string | null) =>
  `mkdir -p "$CNB_LAYERS_DIR/${name}" && echo data > "$CNB_LAYERS_DIR/${name}/file"` + (toml === null ? '' : `\nprintf '${toml}' > "$CNB_LAYERS_DIR/${name}.toml"`);
const CDX = 'application/vnd.cyclonedx+json';

describe('builder: layer directories (BL-07, BL-08, BL-10, LY-04)', () => {
  it('BL-07 LY-04 all-false layers are renamed <layer>.ignore after EACH buildpack; flagged ones stay', async () => {
    await setup(ws, [
      {
        id: 'acme/a',
        build: [
          mk('temp', '[types]\\nlaunch = false\\n'),
          mk('notypes', '[metadata]\\nx = 1\\n'),
          mk('empty', ''),
          mk('keep', '[types]\\ncache = true\\n'),
          mk('notoml', null),
        ].join('\n'),
      },
      {
        id: 'acme/b',
        // the next buildpack already sees the renamed directories
        build: `ls "${'$OUT'}/../layers/acme_a" > "$OUT/seen-by-b"`,
      },
    ]);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    const seen = (await outFile(ws, 'seen-by-b'))!.split('\n');
    for (const n of ['temp', 'notypes', 'empty']) {
      expect(seen).toContain(`${n}.ignore`);
      expect(seen).not.toContain(n);
      expect(await readFile(join(ws.layers, 'acme_a', `${n}.ignore`, 'file'), 'utf8')).toBe('data\n');
    }
    expect(seen).toContain('keep');
    expect(seen).toContain('notoml'); // [REF] no .toml → left in place
    expect(seen).not.toContain('notoml.ignore');
  });

  it('BL-08 FMT-18 [REF] launch/build/cache at top level of <layer>.toml fails the build (52)', async () => {
    await setup(ws, [{ id: 'acme/a', build: mk('bad', 'launch = true\\n') }, { id: 'acme/b', build: 'echo ran > "$OUT/b"' }]);
    const r = await runBuilder(ws);
    expect(r.code).toBe(52);
    expect(r.stderr).toContain('bad.toml');
    expect(await outFile(ws, 'b')).toBeUndefined();
  });

  it('BL-08 a malformed <layer>.toml is a build error (52)', async () => {
    await setup(ws, [{ id: 'acme/a', build: mk('bad', '[types\\n') }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });

  it('BL-10 [REF] launch.toml, build.toml and store.toml are never layer metadata', async () => {
    await setup(ws, [
      {
        id: 'acme/a',
        build: [
          `printf '[metadata]\\nk = "v"\\n' > "$CNB_LAYERS_DIR/store.toml"`,
          `printf '[[processes]]\\ntype = "web"\\ncommand = ["x"]\\n' > "$CNB_LAYERS_DIR/launch.toml"`,
          `printf '' > "$CNB_LAYERS_DIR/build.toml"`,
        ].join('\n'),
      },
    ]);
    expect((await runBuilder(ws)).code).toBe(0);
    for (const n of ['store', 'launch', 'build']) expect(await exists(join(ws.layers, 'acme_a', `${n}.ignore`))).toBe(false);
    expect(await readFile(join(ws.layers, 'acme_a', 'store.toml'), 'utf8')).toContain('k = "v"');
  });
});

describe('builder: SBOM files (BL-19, BL-20, BL-21, LY-18, LY-19)', () => {
  const sbomBuild = [
    mk('lc', '[types]\\nlaunch = true\\ncache = true\\n'),
    mk('b', '[types]\\nbuild = true\\n'),
    `echo '{"l":1}' > "$CNB_LAYERS_DIR/lc.sbom.cdx.json"`,
    `echo '{"b":1}' > "$CNB_LAYERS_DIR/b.sbom.cdx.json"`,
    `echo '{"launch":1}' > "$CNB_LAYERS_DIR/launch.sbom.cdx.json"`,
    `echo '{"build":1}' > "$CNB_LAYERS_DIR/build.sbom.spdx.json"`,
  ].join('\n');
  const formats = { 'sbom-formats': [CDX, 'application/spdx+json'] };

  it('BL-20 LY-19 SBOMs are copied to <layers>/sbom/{launch,build,cache}/<escaped-bp>/[<layer>/]sbom.<ext>', async () => {
    await setup(ws, [{ id: 'acme/s', info: formats, build: sbomBuild }]);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    const s = (...p: string[]) => readFile(join(ws.layers, 'sbom', ...p), 'utf8');
    expect(await s('launch', 'acme_s', 'lc', 'sbom.cdx.json')).toBe('{"l":1}\n');
    expect(await s('cache', 'acme_s', 'lc', 'sbom.cdx.json')).toBe('{"l":1}\n');
    expect(await s('build', 'acme_s', 'b', 'sbom.cdx.json')).toBe('{"b":1}\n');
    expect(await s('launch', 'acme_s', 'sbom.cdx.json')).toBe('{"launch":1}\n');
    expect(await s('build', 'acme_s', 'sbom.spdx.json')).toBe('{"build":1}\n');
    expect(await exists(join(ws.layers, 'sbom', 'launch', 'acme_s', 'b'))).toBe(false);
  });

  it('BL-20 [REF] <layers>/sbom is cleared at start', async () => {
    await setup(ws, [{ id: 'acme/s', build: 'true' }]);
    await import('node:fs/promises').then(async (fs) => {
      await fs.mkdir(join(ws.layers, 'sbom', 'launch', 'stale'), { recursive: true });
      await fs.writeFile(join(ws.layers, 'sbom', 'launch', 'stale', 'sbom.cdx.json'), '{}');
    });
    expect((await runBuilder(ws)).code).toBe(0);
    expect(await exists(join(ws.layers, 'sbom', 'launch', 'stale'))).toBe(false);
  });

  it('BL-21 [REF] (≥0.9) sbom.legacy.json is written for launch and build', async () => {
    await setup(ws, [{ id: 'acme/s', build: 'true' }]);
    expect((await runBuilder(ws)).code).toBe(0);
    for (const k of ['launch', 'build']) expect(JSON.parse(await readFile(join(ws.layers, 'sbom', k, 'sbom.legacy.json'), 'utf8')) ?? []).toEqual([]);
  });

  it('BL-20 §9 Platform 0.7 copies no SBOM files', async () => {
    await setup(ws, [{ id: 'acme/s', info: formats, build: sbomBuild }]);
    expect((await runBuilder(ws, { platformApi: '0.7' })).code).toBe(0);
    expect(await exists(join(ws.layers, 'sbom'))).toBe(false);
  });

  it('BL-19 [REF] an SBOM media type missing from sbom-formats fails the build (52)', async () => {
    await setup(ws, [{ id: 'acme/s', info: { 'sbom-formats': [CDX] }, build: sbomBuild }]);
    const r = await runBuilder(ws);
    expect(r.code).toBe(52);
    expect(r.stderr).toContain('application/spdx+json');
  });

  it('BL-19 [REF] an unknown *.sbom.*.json extension fails the build (52)', async () => {
    await setup(ws, [{ id: 'acme/s', info: formats, build: `echo '{}' > "$CNB_LAYERS_DIR/launch.sbom.xml.json"` }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });

  it('BL-19 a buildpack declaring no sbom-formats may not write SBOMs (52)', async () => {
    await setup(ws, [{ id: 'acme/s', build: `echo '{}' > "$CNB_LAYERS_DIR/launch.sbom.cdx.json"` }]);
    expect((await runBuilder(ws)).code).toBe(52);
  });
});
