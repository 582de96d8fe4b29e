import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRoot, runPhase } from './harness/index.js';
import { outFile, planEntry, runBuilder, setup, workspace, type BuildWorkspace } from './fixtures/builder/harness.js';

let ws: BuildWorkspace;
beforeEach(async () => (ws = await workspace()));
afterEach(() => ws.cleanup());

const exists = (p: string) => access(p).then(() => true, () => false);

describe('builder: running buildpacks (§3.6)', () => {
  it.runIf(isRoot)('BL-01 GEN-12 the builder refuses to run as root (exit 1)', async () => {
    await setup(ws, [{ id: 'acme/a' }]);
    const r = await runPhase('builder', { args: ['-layers', ws.layers, '-app', ws.app, '-buildpacks', ws.buildpacks, '-platform', ws.platform] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/root/);
  });

  it('BL-01 a positional argument exits 3', async () => {
    await setup(ws, [{ id: 'acme/a' }]);
    const r = await runBuilder(ws, { args: ['extra'] });
    expect(r.code).toBe(3);
  });

  it('BL-02 VER-04 an unsupported buildpack API in group.toml exits 12', async () => {
    await setup(ws, [{ id: 'acme/a', api: '0.6' }]);
    const r = await runBuilder(ws);
    expect(r.code).toBe(12);
    expect(r.stderr).toContain('acme/a');
  });

  it('FMT-03 a group entry without api exits 12', async () => {
    await setup(ws, [{ id: 'acme/a' }]);
    await import('node:fs/promises').then((fs) => fs.writeFile(join(ws.layers, 'group.toml'), '[[group]]\nid = "acme/a"\nversion = "0.0.1"\n'));
    expect((await runBuilder(ws)).code).toBe(12);
  });

  it('BL-03 ENV-02 bin/build runs per buildpack in group order with working directory <app>', async () => {
    const rec = (n: string) => `pwd > "$OUT/${n}.pwd"; echo ${n} >> "$OUT/order"`;
    await setup(ws, [
      { id: 'acme/a', build: rec('a') },
      { id: 'acme/b', build: rec('b') },
      { id: 'acme/c', build: rec('c') },
    ]);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await outFile(ws, 'order')).toBe('a\nb\nc\n');
    expect((await outFile(ws, 'b.pwd'))?.trim()).toBe(ws.app);
  });

  it('BL-03 §8 a failing bin/build exits 51 (not its own code), later buildpacks do not run, no metadata.toml', async () => {
    for (const code of [1, 7, 52, 100]) {
      await setup(ws, [
        { id: 'acme/a', build: `echo a >> "$OUT/ran"` },
        { id: 'acme/b', build: `echo b >> "$OUT/ran"; exit ${code}` },
        { id: 'acme/c', build: `echo c >> "$OUT/ran"` },
      ]);
      const r = await runBuilder(ws);
      expect(r.code, `bin/build exit ${code}`).toBe(51);
      expect(await outFile(ws, 'ran')).toBe('a\nb\n');
      expect(await exists(join(ws.layers, 'config', 'metadata.toml'))).toBe(false);
      await import('node:fs/promises').then((fs) => fs.rm(join(ws.out, 'ran')));
    }
  });

  it('BL-03 a buildpack without bin/build fails the build with exit 51', async () => {
    await setup(ws, [{ id: 'acme/a', build: null }]);
    expect((await runBuilder(ws)).code).toBe(51);
  });

  it('BL-04 §0 <layers>/<escaped-id>/ is created and passed as CNB_LAYERS_DIR and $1; $2 <platform>, $3 plan', async () => {
    await setup(ws, [
      {
        id: 'acme/with/slashes',
        build: `printf '%s\\n%s\\n%s\\n%s\\n%s\\n' "$CNB_LAYERS_DIR" "$1" "$2" "$3" "$CNB_BP_PLAN_PATH" > "$OUT/args"; test -d "$CNB_LAYERS_DIR" && echo yes > "$OUT/isdir"`,
      },
    ]);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    const [layersEnv, arg1, arg2, arg3, planEnv] = (await outFile(ws, 'args'))!.trim().split('\n');
    expect(layersEnv).toBe(join(ws.layers, 'acme_with_slashes'));
    expect(arg1).toBe(layersEnv);
    expect(arg2).toBe(ws.platform);
    expect(arg3).toBe(planEnv);
    expect(arg3!.startsWith('/')).toBe(true);
    expect(await outFile(ws, 'isdir')).toBe('yes\n');
    expect((await stat(join(ws.layers, 'acme_with_slashes'))).isDirectory()).toBe(true);
  });

  it('BL-22 buildpack stdout and stderr are streamed through', async () => {
    await setup(ws, [{ id: 'acme/a', build: 'echo to-stdout; echo to-stderr >&2' }]);
    const r = await runBuilder(ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('to-stdout');
    expect(r.stderr).toContain('to-stderr');
  });

  it('BL-22 a buildpack may modify <app>', async () => {
    await setup(ws, [{ id: 'acme/a', build: 'echo built > compiled.txt' }]);
    expect((await runBuilder(ws)).code).toBe(0);
    expect(await readFile(join(ws.app, 'compiled.txt'), 'utf8')).toBe('built\n');
  });
});

describe('builder: Buildpack Plan (BL-05, BL-06)', () => {
  const dumpPlan = (n: string) => `cat "$CNB_BP_PLAN_PATH" > "$OUT/${n}.plan"; test -w "$CNB_BP_PLAN_PATH" && echo writable > "$OUT/${n}.w" || true`;

  it('BL-05 each buildpack gets the requires of entries it provided, with metadata', async () => {
    const plan = planEntry('node', ['acme/a'], ['version = "18"', 'launch = true']) + planEntry('python', ['acme/b'], ['']);
    await setup(ws, [{ id: 'acme/a', build: dumpPlan('a') }, { id: 'acme/b', build: dumpPlan('b') }], plan);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    const a = (await import('@iarna/toml')).parse((await outFile(ws, 'a.plan'))!) as any;
    expect(a.entries).toEqual([
      { name: 'node', metadata: { version: '18' } },
      { name: 'node', metadata: { launch: true } },
    ]);
    const b = (await import('@iarna/toml')).parse((await outFile(ws, 'b.plan'))!) as any;
    expect(b.entries.map((e: any) => e.name)).toEqual(['python']);
  });

  it.runIf(isRoot)('BL-05 the Buildpack Plan file is read-only for the buildpack', async () => {
    await setup(ws, [{ id: 'acme/a', build: dumpPlan('a') }], planEntry('node', ['acme/a']));
    expect((await runBuilder(ws)).code).toBe(0);
    expect(await outFile(ws, 'a.w')).toBeUndefined();
  });

  it('BL-06 met entries are not offered to later providers; [[unmet]] passes an entry to the next provider', async () => {
    const plan = planEntry('node', ['acme/a', 'acme/b', 'acme/c']) + planEntry('ruby', ['acme/a', 'acme/b', 'acme/c']);
    const unmetRuby = `printf '[[unmet]]\\nname = "ruby"\\n' > "$CNB_LAYERS_DIR/build.toml"`;
    await setup(ws, [
      { id: 'acme/a', build: `${dumpPlan('a')}; ${unmetRuby}` },
      { id: 'acme/b', build: dumpPlan('b') },
      { id: 'acme/c', build: dumpPlan('c') },
    ], plan);
    const r = await runBuilder(ws);
    expect(r.code, r.stderr).toBe(0);
    expect(await outFile(ws, 'a.plan')).toMatch(/node[\s\S]*ruby/);
    const b = await outFile(ws, 'b.plan');
    expect(b).toContain('ruby');
    expect(b).not.toContain('node');
    expect(await outFile(ws, 'c.plan')).not.toMatch(/node|ruby/);
  });

  it('BL-06 [REF] an [[unmet]] name that matches no plan entry exits 52', async () => {
    await setup(ws, [{ id: 'acme/a', build: `printf '[[unmet]]\\nname = "nope"\\n' > "$CNB_LAYERS_DIR/build.toml"` }], planEntry('node', ['acme/a']));
    const r = await runBuilder(ws);
    expect(r.code).toBe(52);
    expect(r.stderr).toContain('nope');
  });

  it('BL-06 [REF] an empty [[unmet]] name exits 52', async () => {
    await setup(ws, [{ id: 'acme/a', build: `printf '[[unmet]]\\nname = ""\\n' > "$CNB_LAYERS_DIR/build.toml"` }], planEntry('node', ['acme/a']));
    expect((await runBuilder(ws)).code).toBe(52);
  });

  it('FMT-04 an empty plan gives every buildpack an empty Buildpack Plan', async () => {
    await setup(ws, [{ id: 'acme/a', build: dumpPlan('a') }], '');
    expect((await runBuilder(ws)).code).toBe(0);
    expect(((await import('@iarna/toml')).parse((await outFile(ws, 'a.plan'))!) as any).entries ?? []).toEqual([]);
  });
});
