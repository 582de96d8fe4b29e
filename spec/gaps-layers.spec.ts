/**
 * Layer types and reuse across builds (§7.1–§7.4: LY-05, LY-08, LY-09, LY-10, LY-12, LY-17) and slice globs
 * (FMT-16). Whole builds go through creator into an OCI layout; one buildpack's bin/build sources a step
 * script the test rewrites between builds.
 */
import { gzipSync } from 'node:zlib';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../src/stream/index.js';
import { appendLayers, bufferLayer, editConfig } from '../src/image/index.js';
import { Labels } from '../src/platform/index.js';
import { putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { APP_IMAGE, creatorWorkspace, type CreatorWorkspace } from './fixtures/creator/harness.js';
import { exporterFlags, makeExportWorkspace, previousOf, standardBuild, writeExportAnalyzed, writeExportMetadata, writeLayer, type ExportWorkspace } from '../test/integration/export/fixture.js';

const BP = 'spec/flags';
const BP_DIR = 'spec_flags';

let ws: CreatorWorkspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/** A workspace whose buildpack sources <out>/step.sh; a later buildpack records its PATH. */
async function flagsWorkspace(): Promise<CreatorWorkspace> {
  const w = await creatorWorkspace([
    { id: BP, api: '0.12', build: 'L="$CNB_LAYERS_DIR"\n. "$(dirname "$0")/../../../../out/step.sh"' }, // <root>/out/step.sh
    { id: 'spec/later', api: '0.12', build: 'echo "$PATH" > "$(dirname "$0")/../../../../out/later.path"' },
  ]);
  return w;
}
const step = (w: CreatorWorkspace, lines: string[]) => writeFile(join(w.out, 'step.sh'), lines.join('\n') + '\n');
/** Shell lines writing layer `name` with `types` and a file holding `content` (no directory when content is null). */
function layer(name: string, types: { build?: boolean; cache?: boolean; launch?: boolean } | null, content: string | null = name): string[] {
  const out: string[] = [];
  if (content !== null) out.push(`mkdir -p "$L/${name}/bin"`, `echo '${content}' > "$L/${name}/bin/${name}"`);
  if (types) out.push(`printf '[types]\\nbuild = ${!!types.build}\\ncache = ${!!types.cache}\\nlaunch = ${!!types.launch}\\n' > "$L/${name}.toml"`);
  return out;
}
async function labelLayers(w: CreatorWorkspace): Promise<Record<string, { sha: string }>> {
  const img = (await readImage({ layoutDir: w.layoutDir }, APP_IMAGE))!;
  const md = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
  return md.buildpacks.find((b: any) => b.key === BP)?.layers ?? {};
}
async function cacheLayers(w: CreatorWorkspace): Promise<Record<string, { sha: string }>> {
  const md = JSON.parse(await readFile(join(w.cacheDir, 'committed', 'io.buildpacks.lifecycle.cache.metadata'), 'utf8'));
  return md.buildpacks.find((b: any) => b.key === BP)?.layers ?? {};
}
const create = async (w: CreatorWorkspace) => {
  const r = await w.create(['-cache-dir', w.cacheDir]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r;
};

describe('layer flags (LY-05)', () => {
  it('LY-05 all eight flag combinations are valid and each set flag has its effect: launch → image, cache → cache, build → later PATH', async () => {
    ws = await flagsWorkspace();
    const combos = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => ({ build: !!(n & 4), cache: !!(n & 2), launch: !!(n & 1) }));
    const name = (c: { build: boolean; cache: boolean; launch: boolean }) => `b${+c.build}c${+c.cache}l${+c.launch}`;
    await step(ws, combos.flatMap((c) => layer(name(c), c)));
    await create(ws);
    const names = (pred: (c: (typeof combos)[number]) => boolean) => combos.filter(pred).map(name).sort();
    expect(Object.keys(await labelLayers(ws)).sort()).toEqual(names((c) => c.launch));
    expect(Object.keys(await cacheLayers(ws)).sort()).toEqual(names((c) => c.cache));
    const path = (await readFile(join(ws.out, 'later.path'), 'utf8')).trim().split(':');
    for (const c of combos) expect(path.includes(join(ws.layers, BP_DIR, name(c), 'bin')), name(c)).toBe(c.build);
    const img = (await readImage({ layoutDir: ws.layoutDir }, APP_IMAGE))!;
    for (const [n, l] of Object.entries(await labelLayers(ws))) expect(img.diffIds, n).toContain(l.sha);
  });
});

describe('reuse and the restore truth table across two builds (LY-09, LY-12, LY-17, LY-10)', () => {
  it('LY-09 LY-12 LY-17 an untouched restored layer and a deleted <layer>.toml are dropped; a rewritten launch+cache layer keeps one diffID in image and cache', async () => {
    ws = await flagsWorkspace();
    await step(ws, [...layer('keep', { launch: true, cache: true }), ...layer('untouched', { launch: true, cache: true }), ...layer('deleted', { launch: true })]);
    await create(ws);
    const first = await labelLayers(ws);
    const firstCache = await cacheLayers(ws);
    expect(Object.keys(first).sort()).toEqual(['deleted', 'keep', 'untouched']);
    expect(firstCache['keep']!.sha).toBe(first['keep']!.sha); // LY-17: the same checksum in image and cache
    expect(firstCache['untouched']!.sha).toBe(first['untouched']!.sha);
    await ws.resetLayers();
    await step(ws, [
      'test -f "$L/keep/bin/keep" || exit 9', // LY-17: the cached copy matched the image layer and was restored
      'grep -q types "$L/untouched.toml" && exit 8', // restored metadata carries no [types] (FMT-17, RS-05)
      'test -f "$L/untouched/bin/untouched" || exit 7',
      'rm "$L/deleted.toml"',
      `printf '[types]\\nlaunch = true\\ncache = true\\n' > "$L/keep.toml"`,
    ]);
    await create(ws);
    const second = await labelLayers(ws);
    expect(Object.keys(second)).toEqual(['keep']); // LY-09/LY-12: untouched and deleted are not exported
    expect(Object.keys(await cacheLayers(ws))).toEqual(['keep']); // LY-09: and not cached
    expect(second['keep']!.sha).toBe(first['keep']!.sha);
    const img = (await readImage({ layoutDir: ws.layoutDir }, APP_IMAGE))!;
    expect(img.diffIds).not.toContain(first['untouched']!.sha);
    expect(img.diffIds).not.toContain(first['deleted']!.sha);
  });

  it('LY-10 cache=true on a restored launch-only layer without contents fails the export (62); launch=true alone reuses it', async () => {
    ws = await flagsWorkspace();
    await step(ws, layer('tool', { launch: true }));
    await create(ws);
    const first = await labelLayers(ws);
    await ws.resetLayers();
    await step(ws, ['test -d "$L/tool" && exit 9', `printf '[types]\\nlaunch = true\\ncache = true\\n' > "$L/tool.toml"`]);
    const bad = await ws.create(['-cache-dir', ws.cacheDir]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(62);
    await ws.resetLayers();
    await step(ws, ['test -d "$L/tool" && exit 9', `printf '[types]\\nlaunch = true\\n' > "$L/tool.toml"`]);
    await create(ws);
    expect((await labelLayers(ws))['tool']!.sha).toBe(first['tool']!.sha);
  });
});

describe('exporter with a registry (LY-08, FMT-16)', () => {
  let reg: SpecRegistry;
  let runRef: string;
  let ews: ExportWorkspace | undefined;
  beforeAll(async () => {
    reg = await startSpecRegistry();
    runRef = `${reg.host}/run/base@${(await putImage({ registry: reg }, reg.ref('run/base'), await runImage())).digest}`;
  });
  afterAll(() => reg.stop());
  afterEach(async () => {
    await ews?.cleanup();
    ews = undefined;
  });
  const exportTo = (w: ExportWorkspace, tag: string, extra: string[] = []) => runPhase('exporter', { args: [...exporterFlags(w, extra), tag] });

  it('LY-08 a launch layer rebuilt from its directory with an unchanged diffID reuses the previous blob; a changed one is new', async () => {
    ews = await makeExportWorkspace();
    await standardBuild(ews);
    await writeExportAnalyzed(ews, { runRef });
    expect((await exportTo(ews, reg.ref('app/ly08', 'one'))).code).toBe(0);
    // The previous image: the same layers, but the buildpack layers compressed at another gzip level (other blobs).
    const store = reg.store();
    const one = (await store.image(reg.ref('app/ly08', 'one')))!;
    const base = await runImage();
    const nBase = (await base.config()).rootfs.diff_ids.length;
    const layers = (await one.layers()).slice(nBase);
    const recompressed = await Promise.all(layers.map(async (l) => {
      const tar = await collect(await l.uncompressed());
      return bufferLayer(tar, gzipSync(tar, { level: 1 }));
    }));
    const label = (await one.config()).config?.Labels ?? {};
    const prev = editConfig(appendLayers(base, recompressed.map((layer) => ({ layer }))), (c) => {
      c.config = { ...(c.config ?? {}), Labels: { ...label } };
    });
    await putImage({ registry: reg }, reg.ref('app/ly08', 'prev'), prev);
    const prevImg = (await store.image(reg.ref('app/ly08', 'prev')))!;
    await writeLayer(ews, 'acme/node', 'tools', { launch: true, files: { 'file.txt': 'changed\n' } });
    await writeExportAnalyzed(ews, { runRef, previous: await previousOf(store, reg.ref('app/ly08', 'prev')) });
    expect((await exportTo(ews, reg.ref('app/ly08', 'two'))).code).toBe(0);
    const two = (await store.image(reg.ref('app/ly08', 'two')))!;
    const md = JSON.parse((await two.config()).config!.Labels![Labels.lifecycleMetadata]!);
    const { deps, tools } = md.buildpacks[0].layers;
    const prevLayers = new Map(await Promise.all((await prevImg.layers()).map(async (l) => [await l.diffId(), await l.digest()] as const)));
    const twoLayers = new Map(await Promise.all((await two.layers()).map(async (l) => [await l.diffId(), await l.digest()] as const)));
    expect(twoLayers.get(deps.sha)).toBe(prevLayers.get(deps.sha)); // LY-08 [SHOULD]: the existing (level 1) blob
    expect(prevLayers.has(tools.sha)).toBe(false); // changed contents: a new layer
  });

  it('FMT-16 slice globs: Go filepath.Match syntax relative to <app>, or absolute within <app>; ../ and paths outside <app> match nothing', async () => {
    ews = await makeExportWorkspace();
    await standardBuild(ews);
    for (const p of ['docs/a.md', 'docs/b.txt', 'static/x.css', 'lib/one.js', 'lib/two.js']) {
      await mkdir(join(ews.appDir, p, '..'), { recursive: true });
      await writeFile(join(ews.appDir, p), p);
    }
    await writeExportMetadata(ews, {
      slices: [
        { paths: ['lib/[a-o]*.js'] }, // character class: one.js only
        { paths: [`${ews.appDir}/docs/*.md`] }, // absolute within <app>
        { paths: ['../workspace/static/*', '/etc/*', `${ews.appDir}/../*`] }, // outside <app>: nothing
        { paths: ['static/?.css', '*.js'] }, // ? and a top-level *
      ],
    });
    await writeExportAnalyzed(ews, { runRef });
    const r = await exportTo(ews, reg.ref('app/fmt16'));
    expect(r.code, r.stderr).toBe(0);
    const img = (await readImage({ registry: reg }, reg.ref('app/fmt16')))!;
    const files = async (i: number) => (await img.layerFiles(i)).filter((f) => !f.endsWith('/') && /\.(js|md|txt|css)$/.test(f)).map((f) => f.slice(ews!.appDir.length + 1));
    const first = img.diffIds.length - 3 - 5; // 4 slices + the rest, then launcher, config, process types
    expect(await files(first)).toEqual(['lib/one.js']);
    expect(await files(first + 1)).toEqual(['docs/a.md']);
    expect(await files(first + 2)).toEqual([]);
    expect((await files(first + 3)).sort()).toEqual(['index.js', 'static/x.css']);
    expect((await files(first + 4)).sort()).toEqual(['docs/b.txt', 'lib/two.js', 'static/style.css']);
  });
});
