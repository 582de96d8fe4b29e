/**
 * creator (§3.8) on successful builds into an OCI layout: the five phases (CR-01), tags (CR-02),
 * -skip-restore per Platform API (CR-03) and the privilege drop when started as root (GEN-12).
 */
import { access, chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chownR, isRoot, LIFECYCLE_DIR, putImage, readImage, runImage, runPhase, startSpecRegistry, TEST_GID, TEST_UID, writePlan, type FixtureBuildpack, type SpecRegistry } from './harness/index.js';
import { APP_IMAGE, creatorWorkspace, phaseHeaders, type CreatorWorkspace } from './fixtures/creator/harness.js';

const exists = (p: string) => access(p).then(() => true, () => false);

/** Writes a cache layer "c" (a counter), a launch layer "l" and store.toml (a counter too). */
const caching: FixtureBuildpack = {
  id: 'spec/cache',
  api: '0.9',
  detect: writePlan('[[provides]]\nname = "x"\n[[requires]]\nname = "x"'),
  build: [
    'L="$CNB_LAYERS_DIR"',
    'n=$(cat "$L/c/count" 2>/dev/null || echo 0); n=$((n+1)); mkdir -p "$L/c" "$L/l"; echo $n > "$L/c/count"',
    'printf "[types]\\ncache = true\\n" > "$L/c.toml"',
    'printf "[types]\\nlaunch = true\\n" > "$L/l.toml"; echo launch > "$L/l/file"',
    's=$(sed -n "s/^ *runs *= *\\([0-9]*\\).*$/\\1/p" "$L/store.toml" 2>/dev/null); s=${s:-0}',
    'printf "[metadata]\\n  runs = %s\\n" $((s+1)) > "$L/store.toml"',
    'echo "build count $n store runs $((s+1))"',
  ].join('\n'),
};

let ws: CreatorWorkspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe('creator: successful builds (CR-01, CR-02, CR-03)', () => {
  it('CR-01 ERRATA-16 runs analyze → detect → restore → build → export and writes the image and report', async () => {
    ws = await creatorWorkspace([caching]);
    const r = await ws.create(['-cache-dir', ws.cacheDir]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(phaseHeaders(r)).toEqual(['ANALYZING', 'DETECTING', 'RESTORING', 'BUILDING', 'EXPORTING']);
    for (const f of ['analyzed.toml', 'group.toml', 'plan.toml', 'config/metadata.toml', 'report.toml']) expect(await exists(join(ws.layers, f)), f).toBe(true);
    const img = await readImage({ layoutDir: ws.layoutDir }, APP_IMAGE);
    expect(img?.config.config?.Entrypoint).toBeDefined();
  });

  it('CR-02 every -tag is exported too and listed in report.toml', async () => {
    ws = await creatorWorkspace([caching]);
    const tag = 'spec.test/app/hello:v2';
    const r = await ws.create(['-tag', tag]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const report = await readFile(join(ws.layers, 'report.toml'), 'utf8');
    expect(report).toContain(APP_IMAGE);
    expect(report).toContain(tag);
    const a = await readImage({ layoutDir: ws.layoutDir }, APP_IMAGE);
    const b = await readImage({ layoutDir: ws.layoutDir }, tag);
    expect(b?.digest).toBe(a?.digest);
  });

  it('CR-03 the cache is restored without -skip-restore (second build sees the counter)', async () => {
    ws = await creatorWorkspace([caching]);
    expect((await ws.create(['-cache-dir', ws.cacheDir])).code).toBe(0);
    await ws.resetLayers();
    const second = await ws.create(['-cache-dir', ws.cacheDir]);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toContain('build count 2 store runs 2');
  });

  for (const api of ['0.15', '0.12']) {
    it(`CR-03 (${api}) -skip-restore restores no layer data, only store.toml`, async () => {
      ws = await creatorWorkspace([caching]);
      expect((await ws.create(['-cache-dir', ws.cacheDir], { platformApi: api })).code).toBe(0);
      await ws.resetLayers();
      const second = await ws.create(['-cache-dir', ws.cacheDir, '-skip-restore'], { platformApi: api });
      expect(second.code, second.stderr + second.stdout).toBe(0);
      expect(second.stdout).toContain('build count 1 store runs 2');
      expect(phaseHeaders(second)).toContain('RESTORING');
    });
  }

});

describe('creator below Platform 0.10 (CR-03), against the spec registry', () => {
  let reg: SpecRegistry;
  beforeAll(async () => {
    reg = await startSpecRegistry();
    await putImage({ registry: reg }, reg.ref('run/base'), await runImage());
  });
  afterAll(() => reg.stop());

  it('CR-03 (0.9) -skip-restore skips the whole restore step, store.toml included', async () => {
    ws = await creatorWorkspace([caching]);
    const args = [
      '-run-image', reg.ref('run/base'), '-order', ws.orderPath, '-launcher', join(LIFECYCLE_DIR, 'launcher'), ...ws.dirArgs,
      '-cache-dir', ws.cacheDir,
    ];
    const app = reg.ref('app/skip');
    const first = await ws.run('creator', { platformApi: '0.9', env: reg.authEnv(), args: [...args, app] });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    await ws.resetLayers();
    const second = await ws.run('creator', { platformApi: '0.9', env: reg.authEnv(), args: [...args, '-skip-restore', app] });
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(phaseHeaders(second)).toEqual(['ANALYZING', 'DETECTING', 'BUILDING', 'EXPORTING']);
    expect(second.stdout).toContain('build count 1 store runs 1');
  });
});

describe.skipIf(!isRoot)('creator as root (GEN-12)', () => {
  it('GEN-12 chowns <layers> and <cache-dir> to -uid/-gid and runs the buildpacks as that user', async () => {
    ws = await creatorWorkspace([{ ...caching, build: `${caching.build}\nid -u > "$CNB_LAYERS_DIR/l/uid"` }]);
    await chownR(ws.root, 0, 0);
    await chmod(ws.root, 0o755);
    await chownR(ws.layoutDir, TEST_UID, TEST_GID);
    await chownR(ws.app, TEST_UID, TEST_GID);
    const r = await runPhase('creator', {
      env: { CNB_EXPERIMENTAL_MODE: 'warn', CNB_USER_ID: String(TEST_UID), CNB_GROUP_ID: String(TEST_GID) },
      args: [...ws.args, '-cache-dir', ws.cacheDir, APP_IMAGE],
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await readFile(join(ws.layers, 'spec_cache', 'l', 'uid'), 'utf8')).trim()).toBe(String(TEST_UID));
    for (const p of [ws.layers, ws.cacheDir, join(ws.layers, 'group.toml')]) expect((await stat(p)).uid, p).toBe(TEST_UID);
  });

  it('GEN-12 started as root with no -uid/-gid, creator refuses to run buildpacks as root (exit 1)', async () => {
    ws = await creatorWorkspace([caching]);
    const r = await runPhase('creator', { env: { CNB_EXPERIMENTAL_MODE: 'warn' }, args: [...ws.args, APP_IMAGE] });
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stderr).toMatch(/root/);
    expect(phaseHeaders(r)).toEqual([]);
  });
});
