import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, orderToml, parseEnv0, writeBuildpack, writeExtension, writePlan, type Workspace } from './harness/index.js';

// Generation (§3.3) as run by the detector (DT-26): fixture extensions are shell scripts.

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace('cnb-generate-');
});
afterEach(async () => ws.cleanup());

const gen = () => join(ws.layers, 'generated');
const exists = (p: string) => stat(p).then(() => true, () => false);
const toml = async (p: string) => TOML.parse(await readFile(p, 'utf8')) as Record<string, any>;

/** A body writing `text` to `$CNB_OUTPUT_DIR/<name>`. */
const out = (name: string, text: string) => `mkdir -p "$(dirname "$CNB_OUTPUT_DIR/${name}")"\ncat > "$CNB_OUTPUT_DIR/${name}" <<'CNB_EOF'\n${text}\nCNB_EOF`;
const BUILD_DF = 'ARG base_image\nFROM ${base_image}\nRUN echo hi';
const EXTEND_RUN_DF = 'ARG base_image\nFROM ${base_image}\nARG build_id=0\nRUN echo ${build_id}\nUSER 1000:1000';

interface Ext {
  readonly id: string;
  /** Body of bin/generate; `null` writes none (GE-04). */
  readonly generate?: string | null;
  readonly provides?: string;
}

/**
 * Writes order.toml with `[[order-extensions]]` of `exts` and one buildpack `bp` that requires every provided
 * name, plus analyzed.toml with a run image (target linux/amd64).
 */
async function setup(exts: readonly Ext[], opts: { analyzed?: string } = {}): Promise<void> {
  const names = exts.map((e) => e.provides ?? `dep-${e.id}`);
  await writeBuildpack(ws.buildpacks, { id: 'bp', detect: writePlan(names.map((n) => `[[requires]]\nname = "${n}"\n[requires.metadata]\nfrom = "bp"`).join('\n')) });
  for (const [i, e] of exts.entries()) {
    await writeExtension(ws.extensions, { id: e.id, detect: writePlan(`[[provides]]\nname = "${names[i]}"`), generate: e.generate === undefined ? 'exit 0' : e.generate });
  }
  await writeFile(
    join(ws.layers, 'order.toml'),
    `${orderToml([[{ id: 'bp', version: '0.0.1' }]])}\n${orderToml([exts.map((e) => ({ id: e.id, version: '0.0.1' }))], 'order-extensions')}\n`,
  );
  await writeFile(
    join(ws.layers, 'analyzed.toml'),
    opts.analyzed ??
      '[run-image]\nreference = "registry.example/run@sha256:' + 'a'.repeat(64) + '"\nimage = "registry.example/run:latest"\n[run-image.target]\nos = "linux"\narch = "amd64"\n',
  );
}

const detect = (opts: { platformApi?: string; env?: Record<string, string>; args?: string[] } = {}) =>
  ws.run('detector', {
    platformApi: opts.platformApi ?? '0.15',
    env: { CNB_EXPERIMENTAL_MODE: 'quiet', ...(opts.env ?? {}) },
    args: [...ws.dirArgs, '-extensions', ws.extensions, ...(opts.args ?? [])],
  });

describe('generation inputs (GE-01..GE-05, DT-26)', () => {
  it('GE-02/GE-03 /bin/generate gets <output> <platform> <plan>, CNB_OUTPUT_DIR=<generated>/<escaped-id>, no layers/buildpack dir; cwd <app>', async () => {
    const script = [
      `env -0 > "${ws.out}/env"`,
      `printf '%s\\n' "$1" "$2" "$3" "$(pwd)" > "${ws.out}/args"`,
      `cp "$CNB_BP_PLAN_PATH" "${ws.out}/plan.toml"`,
    ].join('\n');
    await setup([{ id: 'acme/ext', generate: script }]);
    await mkdir(join(ws.platform, 'env'), { recursive: true });
    await writeFile(join(ws.platform, 'env', 'FROM_PLATFORM'), 'yes');
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const env = parseEnv0(await readFile(join(ws.out, 'env'), 'utf8'));
    const outDir = join(gen(), 'acme_ext');
    expect(env['CNB_OUTPUT_DIR']).toBe(outDir);
    expect(env['CNB_EXTENSION_DIR']).toBe(join(ws.extensions, 'acme_ext', '0.0.1'));
    expect(env['CNB_PLATFORM_DIR']).toBe(ws.platform);
    expect(env['CNB_TARGET_OS']).toBe('linux');
    expect(env['CNB_TARGET_ARCH']).toBe('amd64');
    expect(env['FROM_PLATFORM']).toBe('yes');
    expect(env['CNB_LAYERS_DIR']).toBeUndefined();
    expect(env['CNB_BUILDPACK_DIR']).toBeUndefined();
    const [a1, a2, a3, cwd] = (await readFile(join(ws.out, 'args'), 'utf8')).split('\n');
    expect([a1, a2, a3, cwd]).toEqual([outDir, ws.platform, env['CNB_BP_PLAN_PATH'], ws.app]);
    // GE-05: the extension's Buildpack Plan holds the entries it provided, with the requirer's metadata
    expect(await toml(join(ws.out, 'plan.toml'))).toEqual({ entries: [{ name: 'dep-acme/ext', metadata: { from: 'bp' } }] });
  });

  it('DT-26/GE-05 group.toml lists [[group-extensions]]; plan.toml no longer holds the entries extensions met', async () => {
    await setup([{ id: 'ext' }]);
    await writeBuildpack(ws.buildpacks, {
      id: 'bp',
      detect: writePlan('[[requires]]\nname = "dep-ext"\n[[requires]]\nname = "own"\n[[provides]]\nname = "own"'),
    });
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const group = await toml(join(ws.layers, 'group.toml'));
    expect(group['group-extensions']).toEqual([{ id: 'ext', version: '0.0.1', api: '0.12' }]);
    expect(group['group']).toEqual([{ id: 'bp', version: '0.0.1', api: '0.12' }]);
    const plan = await toml(join(ws.layers, 'plan.toml'));
    expect(plan['entries'].map((e: any) => e.requires[0].name)).toEqual(['own']);
  });

  it('GE-01 a failing /bin/generate exits 91 and writes neither group.toml nor plan.toml', async () => {
    await setup([{ id: 'ext', generate: 'echo boom >&2; exit 7' }]);
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(91);
    expect(await exists(join(ws.layers, 'group.toml'))).toBe(false);
    expect(await exists(join(ws.layers, 'plan.toml'))).toBe(false);
  });

  it('GE-01 a non-executable /bin/generate exits 91', async () => {
    await setup([{ id: 'ext' }]);
    await chmod(join(ws.extensions, 'ext', '0.0.1', 'bin', 'generate'), 0o644);
    expect((await detect()).code).toBe(91);
  });

  it('GE-04 without bin/generate, <ext>/generate is the pre-populated output', async () => {
    await setup([{ id: 'ext', generate: null }]);
    const dir = join(ws.extensions, 'ext', '0.0.1', 'generate');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'build.Dockerfile'), BUILD_DF);
    await writeFile(join(dir, 'extend-config.toml'), '[[build.args]]\nname = "a"\nvalue = "b"\n');
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await readFile(join(gen(), 'ext', 'build.Dockerfile'), 'utf8')).toBe(BUILD_DF);
    expect(await readFile(join(gen(), 'ext', 'extend-config.toml'), 'utf8')).toContain('name = "a"');
  });
});

describe('Dockerfile and output validation (GE-06..GE-09)', () => {
  const one = (body: string) => setup([{ id: 'ext', generate: body }]);

  it('GE-06 build.Dockerfile must begin with ARG base_image / FROM ${base_image} (else 92)', async () => {
    await one(out('build.Dockerfile', 'FROM ubuntu\nRUN true'));
    expect((await detect()).code).toBe(92);
    await one(out('build.Dockerfile', 'FROM ${base_image}\nRUN true'));
    expect((await detect()).code).toBe(92);
    await one(out('build.Dockerfile', 'ARG base_image\nFROM ${base_image}\nRUN true\nFROM ${base_image}'));
    expect((await detect()).code).toBe(92);
    await one(out('build.Dockerfile', BUILD_DF));
    expect((await detect()).code).toBe(0);
  });

  it('GE-07 run.Dockerfile must not be multi-stage (92); other instructions only warn', async () => {
    await one(out('run.Dockerfile', 'FROM a\nFROM b'));
    expect((await detect()).code).toBe(92);
    await one(out('run.Dockerfile', 'ARG base_image\nFROM ${base_image}\nEXPOSE 8080\nUSER 1000'));
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain('run.Dockerfile command EXPOSE on line 3 is not recommended');
  });

  it('GE-08 context together with context.run is a generate error (92); one kind alone is placed', async () => {
    await one(`mkdir -p "$CNB_OUTPUT_DIR/context" "$CNB_OUTPUT_DIR/context.run"\n${out('run.Dockerfile', EXTEND_RUN_DF)}`);
    expect((await detect()).code).toBe(92);
    await one(`mkdir -p "$CNB_OUTPUT_DIR/context.build"; echo x > "$CNB_OUTPUT_DIR/context.build/f"\n${out('build.Dockerfile', BUILD_DF)}`);
    expect((await detect()).code).toBe(0);
    expect(await readFile(join(gen(), 'ext', 'context.build', 'f'), 'utf8')).toBe('x\n');
  });

  it('GE-09 extend-config.toml args need name and value (92 otherwise)', async () => {
    await one(`${out('extend-config.toml', '[[build.args]]\nvalue = "v"')}\n${out('build.Dockerfile', BUILD_DF)}`);
    expect((await detect()).code).toBe(92);
    await one(`${out('extend-config.toml', '[[build.args]]\nname = "n"\nvalue = "v"\n[[run.args]]\nname = "r"\nvalue = "w"')}\n${out('build.Dockerfile', BUILD_DF)}`);
    expect((await detect()).code).toBe(0);
    expect(await toml(join(gen(), 'ext', 'extend-config.toml'))).toEqual({ build: { args: [{ name: 'n', value: 'v' }] }, run: { args: [{ name: 'r', value: 'w' }] } });
  });
});

describe('run image selection (GE-10..GE-12)', () => {
  it('GE-10 all run.Dockerfiles use ${base_image}: run image unchanged, extend = true; GE-12 build-image.extend', async () => {
    await setup([
      { id: 'e1', generate: out('run.Dockerfile', EXTEND_RUN_DF) },
      { id: 'e2', generate: `${out('run.Dockerfile', EXTEND_RUN_DF)}\n${out('build.Dockerfile', BUILD_DF)}` },
    ]);
    const r = await detect();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const a = await toml(join(ws.layers, 'analyzed.toml'));
    expect(a['run-image'].image).toBe('registry.example/run:latest');
    expect(a['run-image'].reference).toContain('@sha256:');
    expect(a['run-image'].extend).toBe(true);
    expect(a['run-image'].target.os).toBe('linux');
    expect(a['build-image'].extend).toBe(true);
  });

  it('GE-10 the last switching run.Dockerfile selects the image; earlier ones get .ignore; GE-11 warns when not in <run>', async () => {
    await setup([
      { id: 'e1', generate: out('run.Dockerfile', 'FROM first/image') },
      { id: 'e2', generate: out('run.Dockerfile', 'FROM second/image:1') },
      { id: 'e3', generate: out('run.Dockerfile', EXTEND_RUN_DF) },
    ]);
    await writeFile(join(ws.root, 'run.toml'), '[[images]]\nimage = "other/run"\n');
    const r = await detect({ args: ['-run', join(ws.root, 'run.toml')] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toContain("new runtime base image 'second/image:1' not found in run metadata");
    const a = await toml(join(ws.layers, 'analyzed.toml'));
    expect(a['run-image']).toEqual({ reference: 'second/image:1', image: 'second/image:1', extend: true }); // target dropped [REF]
    expect(await exists(join(gen(), 'e1', 'run.Dockerfile'))).toBe(false);
    expect(await readFile(join(gen(), 'e1', 'run.Dockerfile.ignore'), 'utf8')).toBe('FROM first/image\n');
    expect(await exists(join(gen(), 'e2', 'run.Dockerfile'))).toBe(true);
    expect(a['build-image']?.extend).toBeUndefined(); // GE-12: no build.Dockerfile
  });

  it('GE-10 a final switching run.Dockerfile without further instructions: extend = false; GE-11 no warning when listed', async () => {
    await setup([
      { id: 'e1', generate: out('run.Dockerfile', EXTEND_RUN_DF) },
      { id: 'e2', generate: out('run.Dockerfile', 'FROM mirror.example/run:2') },
    ]);
    await writeFile(join(ws.root, 'run.toml'), '[[images]]\nimage = "main.example/run:2"\nmirrors = ["mirror.example/run:2"]\n');
    const r = await detect({ env: { CNB_RUN_PATH: join(ws.root, 'run.toml') } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('not found in run metadata');
    const a = await toml(join(ws.layers, 'analyzed.toml'));
    expect(a['run-image']).toEqual({ reference: 'mirror.example/run:2', image: 'mirror.example/run:2' });
    expect(await exists(join(gen(), 'e1', 'run.Dockerfile.ignore'))).toBe(true);
  });
});

describe('generated-file layout per Platform API (GE-13, ERRATA-06)', () => {
  it('GE-13 0.10–0.12: <generated>/{build,run}/<ext-id>/Dockerfile with extend-config.toml; ignored as Dockerfile.ignore', async () => {
    await setup([
      { id: 'acme/e1', generate: out('run.Dockerfile', 'FROM first/image') },
      { id: 'e2', generate: `${out('run.Dockerfile', 'FROM second/image')}\n${out('build.Dockerfile', BUILD_DF)}\n${out('extend-config.toml', '[[build.args]]\nname = "n"\nvalue = "v"')}` },
    ]);
    const r = await detect({ platformApi: '0.12' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await readFile(join(gen(), 'run', 'acme_e1', 'Dockerfile.ignore'), 'utf8')).toBe('FROM first/image\n');
    expect(await exists(join(gen(), 'run', 'acme_e1', 'Dockerfile'))).toBe(false);
    expect(await readFile(join(gen(), 'run', 'e2', 'Dockerfile'), 'utf8')).toBe('FROM second/image\n');
    expect(await readFile(join(gen(), 'build', 'e2', 'Dockerfile'), 'utf8')).toBe(`${BUILD_DF}\n`);
    expect(await exists(join(gen(), 'build', 'e2', 'extend-config.toml'))).toBe(true);
    expect(await exists(join(gen(), 'e2', 'build.Dockerfile'))).toBe(false);
    const a = await toml(join(ws.layers, 'analyzed.toml'));
    expect(a['run-image']).toEqual({ reference: 'second/image', image: 'second/image' });
    expect(a['build-image']).toBeUndefined(); // build-image.extend is ≥0.13
  });

  it('GE-13 ≥0.13 writes only <generated>/<ext-id>/...; before 0.12 a run.Dockerfile may only switch (FROM alone)', async () => {
    await setup([{ id: 'ext', generate: out('run.Dockerfile', 'FROM new/run') }]);
    expect((await detect({ platformApi: '0.13' })).code).toBe(0);
    expect(await exists(join(gen(), 'run'))).toBe(false);
    expect(await exists(join(gen(), 'ext', 'run.Dockerfile'))).toBe(true);
    await setup([{ id: 'ext', generate: out('run.Dockerfile', 'FROM new/run\nRUN true') }], { analyzed: '[run-image]\nreference = "old/run"\n' });
    expect((await detect({ platformApi: '0.11' })).code).toBe(92);
    await setup([{ id: 'ext', generate: out('run.Dockerfile', 'FROM new/run') }], { analyzed: '[run-image]\nreference = "old/run"\n' });
    expect((await detect({ platformApi: '0.11' })).code).toBe(0);
    expect(await toml(join(ws.layers, 'analyzed.toml'))).toMatchObject({ 'run-image': { reference: 'new/run' } });
    expect(await exists(join(gen(), 'run', 'ext', 'Dockerfile'))).toBe(true);
  });
});
