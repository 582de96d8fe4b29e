/**
 * creator (§3.8): arguments, flags per Platform API, the experimental layout guard and exit codes of the
 * failing sub-phase. Every run uses an OCI layout (-layout) holding the run image, so no registry is needed.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeExtension, writePlan, type FixtureBuildpack } from './harness/index.js';
import { APP_IMAGE, creatorWorkspace, phaseHeaders, type CreatorWorkspace } from './fixtures/creator/harness.js';

const exists = (p: string) => access(p).then(() => true, () => false);
const passing: FixtureBuildpack = { id: 'spec/pass', detect: writePlan('[[provides]]\nname = "x"\n[[requires]]\nname = "x"'), build: 'exit 0' };

let ws: CreatorWorkspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe('creator arguments (CR-06, GEN-02, GEN-10)', () => {
  it('CR-06 exactly one <image>: none exits 3', async () => {
    ws = await creatorWorkspace([passing]);
    const r = await ws.create([], { image: null });
    expect(r.code, r.stderr).toBe(3);
  });

  it('CR-06 exactly one <image>: two exit 3', async () => {
    ws = await creatorWorkspace([passing]);
    const r = await ws.create([APP_IMAGE], {});
    expect(r.code, r.stderr).toBe(3);
  });

  it('CR-06 -run-image and the deprecated -image together exit 3', async () => {
    ws = await creatorWorkspace([passing]);
    const r = await ws.create(['-image', 'spec.test/run/other:latest']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/-run-image/);
  });

  it('CR-06 an invalid <image> reference exits 3', async () => {
    ws = await creatorWorkspace([passing]);
    const r = await ws.create([], { image: 'Not A Ref' });
    expect(r.code, r.stderr).toBe(3);
  });

  it('GEN-02 there is no -analyzed, -group or -plan flag on creator (exit 2)', async () => {
    ws = await creatorWorkspace([passing]);
    for (const flag of ['-analyzed', '-group', '-plan']) {
      const r = await ws.create([flag, join(ws.root, 'x.toml')]);
      expect(r.code, `${flag}: ${r.stderr}`).toBe(2);
    }
  });

  it('GEN-02 flags exist only from their Platform API: -parallel (0.13), -system (0.15), -layout (0.12)', async () => {
    ws = await creatorWorkspace([passing]);
    const at = (api: string, args: string[]) => ws!.run('creator', { platformApi: api, args: [...args, APP_IMAGE] });
    expect((await at('0.12', ['-parallel'])).code).toBe(2);
    expect((await at('0.14', ['-system', '/x'])).code).toBe(2);
    expect((await at('0.11', ['-layout'])).code).toBe(2);
  });

  it('GEN-10 -layout without CNB_EXPERIMENTAL_MODE fails (exit 1) before any sub-phase', async () => {
    ws = await creatorWorkspace([passing]);
    const r = await ws.create([], { env: { CNB_EXPERIMENTAL_MODE: undefined } });
    expect(r.code, r.stderr).toBe(1);
    expect(phaseHeaders(r)).toEqual([]);
  });

  it('GEN-10 -layout with CNB_EXPERIMENTAL_MODE=warn warns and goes on', async () => {
    ws = await creatorWorkspace([{ ...passing, detect: 'exit 100' }]);
    const r = await ws.create();
    expect(r.stderr).toMatch(/experimental feature 'Export to OCI layout format'/);
    expect(phaseHeaders(r)).toContain('DETECTING');
  });
});

describe('creator exit codes of the failing sub-phase (CR-05, ERRATA-16)', () => {
  it('CR-05 all groups fail detection: exit 20, after analyzing; no restore, build or export', async () => {
    ws = await creatorWorkspace([{ ...passing, detect: 'exit 100' }]);
    const r = await ws.create();
    expect(r.code, r.stderr + r.stdout).toBe(20);
    expect(phaseHeaders(r)).toEqual(['ANALYZING', 'DETECTING']);
    expect(r.stderr).toMatch(/failed to detect/);
    expect(await exists(join(ws.layers, 'group.toml'))).toBe(false);
  });

  it('CR-05 a buildpack detect error: exit 21', async () => {
    ws = await creatorWorkspace([{ ...passing, detect: 'exit 3' }]);
    const r = await ws.create();
    expect(r.code, r.stderr + r.stdout).toBe(21);
  });

  it('CR-05 /bin/build exits non-zero: exit 51, after restoring; no export', async () => {
    ws = await creatorWorkspace([{ ...passing, build: 'echo boom >&2; exit 7' }]);
    const r = await ws.create();
    expect(r.code, r.stderr + r.stdout).toBe(51);
    expect(phaseHeaders(r)).toEqual(['ANALYZING', 'DETECTING', 'RESTORING', 'BUILDING']);
    expect(r.stderr).toMatch(/failed to build/);
  });

  it('CR-05 a bad launch.toml: the generic build code 52', async () => {
    ws = await creatorWorkspace([{ ...passing, build: 'echo "not toml [" > "$CNB_LAYERS_DIR/launch.toml"' }]);
    const r = await ws.create();
    expect(r.code, r.stderr + r.stdout).toBe(52);
  });

  it('CR-01 ERRATA-16 analyzed.toml, group.toml and plan.toml are written under <layers> in analyze → detect order', async () => {
    ws = await creatorWorkspace([{ ...passing, build: 'exit 9' }]);
    const r = await ws.create();
    expect(r.code, r.stderr + r.stdout).toBe(51);
    const analyzed = await readFile(join(ws.layers, 'analyzed.toml'), 'utf8');
    expect(analyzed).toMatch(/\[run-image\]/);
    expect(await readFile(join(ws.layers, 'group.toml'), 'utf8')).toMatch(/id = "spec\/pass"/);
    expect(await exists(join(ws.layers, 'plan.toml'))).toBe(true);
  });

  it('CR-01 the files between sub-phases honour CNB_ANALYZED_PATH, CNB_GROUP_PATH and CNB_PLAN_PATH', async () => {
    ws = await creatorWorkspace([{ ...passing, build: 'exit 9' }]);
    const out = (n: string) => join(ws!.out, n);
    const r = await ws.create([], { env: { CNB_ANALYZED_PATH: out('a.toml'), CNB_GROUP_PATH: out('g.toml'), CNB_PLAN_PATH: out('p.toml') } });
    expect(r.code, r.stderr + r.stdout).toBe(51);
    for (const f of ['a.toml', 'g.toml', 'p.toml']) expect(await exists(out(f)), f).toBe(true);
    expect(await exists(join(ws.layers, 'group.toml'))).toBe(false);
  });

  it('CR-04 creator does not run image extensions: an order with extensions fails before any /bin/generate', async () => {
    ws = await creatorWorkspace([passing]);
    await writeExtension(ws.extensions, { id: 'spec/ext', generate: `touch "${join(ws.out, 'generated')}"` });
    const order = `[[order-extensions]]\n  [[order-extensions.group]]\n  id = "spec/ext"\n  version = "0.0.1"\n\n[[order]]\n  [[order.group]]\n  id = "spec/pass"\n  version = "0.0.1"\n`;
    await import('node:fs/promises').then((fs) => fs.writeFile(ws!.orderPath, order));
    const r = await ws.create();
    expect(r.code).not.toBe(0);
    expect(await exists(join(ws.out, 'generated'))).toBe(false);
  });
});
