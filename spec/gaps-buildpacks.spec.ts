/**
 * Buildpack-facing statements not covered elsewhere: mixed-API groups (VER-05), CNB_STACK_ID from the build
 * image (IMG-04), process/label uniqueness (FMT-14), IDs and versions (FMT-19, FMT-20), composite buildpacks
 * (FMT-22) and what an extension must not write (GE-14).
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, orderToml, parseEnv0, writeBuildpack, writeExtension, writeOrder, writePlan, type FixtureBuildpack, type FixtureRef, type Workspace } from './harness/index.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('cnb-gaps-bp-');
});
afterEach(async () => ws.cleanup());

const ref = (id: string, version = '0.0.1'): FixtureRef => ({ id, version });
const order = (...groups: FixtureRef[][]) => writeOrder(join(ws.layers, 'order.toml'), groups);
const detect = (platformApi = '0.15', env: Record<string, string> = {}, args: string[] = []) => ws.run('detector', { platformApi, env, args: [...ws.dirArgs, ...args] });
const build = (platformApi = '0.15', env: Record<string, string> = {}) => ws.run('builder', { platformApi, env, args: ws.dirArgs });
const toml = async (p: string) => TOML.parse(await readFile(p, 'utf8')) as Record<string, any>;
const env0 = async (name: string) => parseEnv0(await readFile(join(ws.out, name), 'utf8'));
const dump = (name: string) => `env -0 > "$OUT/${name}"`;
const exists = (p: string) => stat(p).then(() => true, () => false);
/** Writes a buildpack whose scripts can use $OUT. */
const bp = (id: string, o: Partial<FixtureBuildpack> = {}) =>
  writeBuildpack(ws.buildpacks, {
    id,
    ...o,
    ...(typeof o.detect === 'string' ? { detect: `OUT="${ws.out}"\n${o.detect}` } : {}),
    ...(typeof o.build === 'string' ? { build: `OUT="${ws.out}"\n${o.build}` } : {}),
  });

describe('VER-05 a group mixing Buildpack APIs', () => {
  for (const platformApi of ['0.7', '0.12', '0.15']) {
    it(`VER-05 (Platform ${platformApi}) buildpacks of BP 0.7, 0.9 and 0.12 detect and build together, each under its own API`, async () => {
      await bp('acme/old', { api: '0.7', detect: dump('old.detect'), build: dump('old.build') });
      await bp('acme/mid', { api: '0.9', build: dump('mid.build') });
      await bp('acme/new', { api: '0.12', build: dump('new.build') });
      await order([ref('acme/old'), ref('acme/mid'), ref('acme/new')]);
      const d = await detect(platformApi);
      expect(d.code, d.stderr).toBe(0);
      expect((await toml(join(ws.layers, 'group.toml')))['group'].map((e: any) => e.api)).toEqual(['0.7', '0.9', '0.12']);
      const b = await build(platformApi);
      expect(b.code, b.stderr).toBe(0);
      expect((await env0('old.build'))['CNB_LAYERS_DIR']).toBeUndefined(); // BP 0.7: layers dir only as $1
      expect((await env0('mid.build'))['CNB_LAYERS_DIR']).toBe(join(ws.layers, 'acme_mid'));
      expect((await env0('new.build'))['CNB_LAYERS_DIR']).toBe(join(ws.layers, 'acme_new'));
      expect((await toml(join(ws.layers, 'config', 'metadata.toml')))['buildpacks'].map((e: any) => e.api)).toEqual(['0.7', '0.9', '0.12']);
    });
  }
});

describe('IMG-04 CNB_STACK_ID of the build image', () => {
  for (const platformApi of ['0.9', '0.11']) {
    for (const api of ['0.7', '0.9']) {
      it(`IMG-04 (Platform ${platformApi}, BP ${api}) CNB_STACK_ID reaches bin/detect and bin/build unchanged`, async () => {
        await bp('acme/s', { api, detect: dump('detect'), build: dump('build') });
        await order([ref('acme/s')]);
        const env = { CNB_STACK_ID: 'io.example.stacks.odd value' };
        expect((await detect(platformApi, env)).code).toBe(0);
        expect((await build(platformApi, env)).code).toBe(0);
        expect((await env0('detect'))['CNB_STACK_ID']).toBe(env.CNB_STACK_ID);
        expect((await env0('build'))['CNB_STACK_ID']).toBe(env.CNB_STACK_ID);
      });
    }
  }
});

describe('FMT-14 unique process types and label keys within a buildpack', () => {
  it('FMT-14 a repeated type or label key warns (the last one wins); other characters warn; REF-rejected ones fail (52)', async () => {
    const launch = [
      '[[processes]]\ntype = "web"\ncommand = ["first"]',
      '[[processes]]\ntype = "web"\ncommand = ["second"]',
      '[[processes]]\ntype = "odd+type"\ncommand = ["x"]',
      '[[labels]]\nkey = "k"\nvalue = "1"',
      '[[labels]]\nkey = "k"\nvalue = "2"',
    ].join('\n');
    await bp('acme/p', { build: `cat > "$CNB_LAYERS_DIR/launch.toml" <<'EOF'\n${launch}\nEOF` });
    await order([ref('acme/p')]);
    expect((await detect()).code).toBe(0);
    const r = await build();
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain("process type 'web' is defined more than once");
    expect(out).toContain("process type 'odd+type' should contain only");
    expect(out).toContain("label 'k' is defined more than once");
    const md = await toml(join(ws.layers, 'config', 'metadata.toml'));
    expect(md['processes'].filter((p: any) => p.type === 'web').map((p: any) => p.command)).toEqual([['second']]);
    expect(md['labels']).toEqual([{ key: 'k', value: '1' }, { key: 'k', value: '2' }]); // the exporter applies them in order
    await bp('acme/p', { build: `printf '[[processes]]\\ntype = "a/b"\\ncommand = ["x"]\\n' > "$CNB_LAYERS_DIR/launch.toml"` });
    expect((await build()).code).toBe(52);
  });
});

describe('FMT-19 FMT-20 buildpack IDs and versions', () => {
  for (const reserved of ['app', 'config', 'generated', 'sbom']) {
    it(`FMT-19 the reserved ID '${reserved}' is refused before anything runs (exit 1) [ERRATA-D-FMT1]`, async () => {
      await bp(reserved, { detect: 'touch "$OUT/ran"' });
      await order([ref(reserved)]);
      const r = await detect();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`'${reserved}' is reserved`);
      expect(await exists(join(ws.out, 'ran'))).toBe(false);
    });
  }

  it('FMT-19 the allowed characters [A-Za-z0-9./-] work (escaped in paths); others and case-only duplicates only warn [ERRATA-D-FMT1]', async () => {
    await bp('Acme.io/Node-18', { build: 'touch "$CNB_LAYERS_DIR/seen"' });
    await bp('acme.io/node-18', { detect: 'exit 100' });
    await bp('acme_x', {});
    await order([ref('acme.io/node-18'), ref('acme_x')], [ref('Acme.io/Node-18')]);
    const r = await detect();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain("buildpack ID 'acme_x' should contain only");
    expect(r.stdout + r.stderr).toContain("buildpack IDs 'acme.io/node-18' and 'Acme.io/Node-18' differ only in case");
    expect((await toml(join(ws.layers, 'group.toml')))['group'].map((e: any) => e.id)).toEqual(['Acme.io/Node-18']);
    expect((await build()).code).toBe(0);
    expect(await exists(join(ws.layers, 'Acme.io_Node-18', 'seen'))).toBe(true);
  });

  it('FMT-20 [REF] versions that are not X.Y.Z (leading zeros, two parts, pre-release) are not enforced', async () => {
    const versions = ['01.2.3', '1.0', '2.0.0-rc.1+build'];
    for (const [i, v] of versions.entries()) await bp(`acme/v${i}`, { version: v });
    await order(versions.map((v, i) => ref(`acme/v${i}`, v)));
    expect((await detect()).code).toBe(0);
    expect((await toml(join(ws.layers, 'group.toml')))['group'].map((e: any) => e.version)).toEqual(versions);
    expect((await build()).code).toBe(0);
  });
});

describe('FMT-22 composite buildpacks', () => {
  it('FMT-22 a composite buildpack is never run itself: its bin/detect and bin/build are ignored, its order is used', async () => {
    await bp('acme/leaf', { build: 'touch "$OUT/leaf-built"' });
    const dir = await bp('acme/meta', { order: [[ref('acme/leaf')]] });
    await mkdir(join(dir, 'bin'), { recursive: true });
    for (const s of ['detect', 'build']) {
      await writeFile(join(dir, 'bin', s), `#!/bin/sh\ntouch "${ws.out}/meta-${s}"\nexit 1\n`);
      await chmod(join(dir, 'bin', s), 0o755);
    }
    await order([ref('acme/meta')]);
    const d = await detect();
    expect(d.code, d.stderr).toBe(0);
    expect((await toml(join(ws.layers, 'group.toml')))['group'].map((e: any) => e.id)).toEqual(['acme/leaf']);
    expect((await build()).code).toBe(0);
    expect(await exists(join(ws.out, 'leaf-built'))).toBe(true);
    expect(await exists(join(ws.out, 'meta-detect'))).toBe(false);
    expect(await exists(join(ws.out, 'meta-build'))).toBe(false);
  });

  it('FMT-22 an [[order]] naming an extension is not resolved against <extensions> (exit 1 naming the buildpack)', async () => {
    await writeExtension(ws.extensions, { id: 'acme/ext' });
    await order([ref('acme/ext')]);
    const r = await detect('0.15', { CNB_EXPERIMENTAL_MODE: 'quiet' }, ['-extensions', ws.extensions]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('acme/ext');
  });
});

describe('GE-14 extensions and SBOM files', () => {
  it('GE-14 an SBOM file written by /bin/generate is ignored with a warning; no SBOM reaches <layers>/sbom', async () => {
    await bp('bp', { detect: writePlan('[[requires]]\nname = "dep"') });
    await writeExtension(ws.extensions, { id: 'ext', detect: writePlan('[[provides]]\nname = "dep"'), generate: `echo '{}' > "$CNB_OUTPUT_DIR/launch.sbom.cdx.json"` });
    await writeFile(join(ws.layers, 'order.toml'), `${orderToml([[ref('bp')]])}\n${orderToml([[ref('ext')]], 'order-extensions')}\n`);
    await writeFile(join(ws.layers, 'analyzed.toml'), `[run-image]\nreference = "registry.example/run@sha256:${'a'.repeat(64)}"\nimage = "registry.example/run"\n[run-image.target]\nos = "linux"\narch = "amd64"\n`);
    const r = await detect('0.15', {}, ['-extensions', ws.extensions]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/extension ext wrote SBOM file .*launch\.sbom\.cdx\.json; extensions must not write SBOM files/);
    expect((await build()).code).toBe(0);
    expect(await exists(join(ws.layers, 'sbom', 'launch', 'ext'))).toBe(false);
  });
});
