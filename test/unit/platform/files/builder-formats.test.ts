import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiVersion,
  buildMetadataFromToml,
  buildMetadataToToml,
  launchTomlFromToml,
  layerMetadataFromToml,
  parseToml,
  readBuildMetadata,
  readBuildToml,
  readBuildpackPlan,
  readLayerMetadataFile,
  readStoreToml,
  stringifyToml,
  writeBuildMetadata,
  writeBuildpackPlan,
  writeLayerMetadataFile,
  writeStoreToml,
  type BuildMetadata,
} from '../../../../src/platform/index.js';

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'bfmt-'))));
afterAll(() => rm(dir, { recursive: true, force: true }));
const V = (s: string) => ApiVersion.parse(s);

describe('FMT-LAUNCH launch.toml', () => {
  const arr = parseToml('[[processes]]\ntype = "web"\ncommand = ["a", "b"]\nargs = ["c"]\ndefault = true\nworking-dir = "/w"\nexec-env = ["test"]\n[[labels]]\nkey = "k"\nvalue = "v"\n[[slices]]\npaths = ["x/*"]\n', 'l');
  it('BL-14 BP≥0.9: array command, always direct (direct undefined), exec-env only for BP≥0.12', () => {
    const l = launchTomlFromToml('l', arr, V('0.12'));
    expect(l.processes[0]).toEqual({ type: 'web', command: ['a', 'b'], args: ['c'], default: true, workingDir: '/w', execEnv: ['test'] });
    expect(l.labels).toEqual([{ key: 'k', value: 'v' }]);
    expect(l.slices).toEqual([{ paths: ['x/*'] }]);
    expect(launchTomlFromToml('l', arr, V('0.11')).processes[0]!.execEnv).toBeUndefined();
  });
  it('BL-14 BP≥0.9: a string command or a direct key is ERR_TOML naming the field', () => {
    expect(() => launchTomlFromToml('l', parseToml('[[processes]]\ntype = "w"\ncommand = "a"\n', 'l'), V('0.9'))).toThrow(/processes\[0\]\.command/);
    expect(() => launchTomlFromToml('l', parseToml('[[processes]]\ntype = "w"\ncommand = ["a"]\ndirect = false\n', 'l'), V('0.10'))).toThrow(/direct/);
  });
  it('BL-14 BP<0.9: string command, direct defaults to false, an array is rejected', () => {
    const p = launchTomlFromToml('l', parseToml('[[processes]]\ntype = "w"\ncommand = "run it"\n', 'l'), V('0.8')).processes[0]!;
    expect(p).toEqual({ type: 'w', command: ['run it'], args: [], direct: false, default: false });
    expect(() => launchTomlFromToml('l', arr, V('0.7'))).toThrow(/command/);
  });
  it('an empty command is rejected', () => {
    expect(() => launchTomlFromToml('l', parseToml('[[processes]]\ntype = "w"\ncommand = []\n', 'l'), V('0.10'))).toThrow(/empty/);
  });
});

describe('FMT-LAYER <layer>.toml', () => {
  it('FMT-17 missing [types] or flags mean false; metadata is kept', () => {
    expect(layerMetadataFromToml('x', parseToml('[metadata]\na = 1\n', 'x'))).toEqual({ types: { launch: false, build: false, cache: false }, metadata: { a: 1 } });
    expect(layerMetadataFromToml('x', parseToml('[types]\nbuild = true\n', 'x')).types).toEqual({ launch: false, build: true, cache: false });
  });
  it('FMT-18 BL-08 [REF] top-level flags are an error', () => {
    expect(() => layerMetadataFromToml('x.toml', parseToml('cache = true\n', 'x'))).toThrow(/x\.toml.*types table/);
  });
  it('RS-05 written without [types] for restore, with [types] otherwise; missing file is undefined', async () => {
    const f = join(dir, 'l.toml');
    const md = { types: { launch: true, build: false, cache: true }, metadata: { v: '1' } };
    await writeLayerMetadataFile(f, md, { withTypes: false });
    expect(await readFile(f, 'utf8')).not.toContain('types');
    await writeLayerMetadataFile(f, md, { withTypes: true });
    expect(await readLayerMetadataFile(f)).toEqual(md);
    expect(await readLayerMetadataFile(join(dir, 'none.toml'))).toBeUndefined();
  });
});

describe('build.toml, store.toml, Buildpack Plan', () => {
  it('build.toml [[unmet]] and a missing file', async () => {
    const f = join(dir, 'build.toml');
    await writeFile(f, '[[unmet]]\nname = "a"\n[[unmet]]\n[[bom]]\nname = "x"\n');
    expect(await readBuildToml(f)).toEqual({ unmet: [{ name: 'a' }, { name: '' }], bom: [{ name: 'x' }] });
    expect(await readBuildToml(join(dir, 'nope.toml'))).toEqual({ unmet: [], bom: [] });
  });
  it('store.toml round-trip', async () => {
    const f = join(dir, 'store.toml');
    await writeStoreToml(f, { metadata: { k: 'v', n: { x: 1 } } });
    expect(await readStoreToml(f)).toEqual({ metadata: { k: 'v', n: { x: 1 } } });
    expect(await readStoreToml(join(dir, 'nostore.toml'))).toBeUndefined();
  });
  it('BL-05 Buildpack Plan round-trip ([[entries]] name, metadata)', async () => {
    const f = join(dir, 'plan.toml');
    const plan = { entries: [{ name: 'node', metadata: { version: '18', launch: true } }, { name: 'npm' }] };
    await writeBuildpackPlan(f, plan);
    expect(await readBuildpackPlan(f)).toEqual(plan);
    expect(await readFile(f, 'utf8')).toMatch(/^\[\[entries\]\]\nname = "node"/);
  });
});

describe('FMT-METADATA metadata.toml', () => {
  const md: BuildMetadata = {
    buildpackDefaultProcessType: 'web',
    buildpacks: [{ id: 'a/b', version: '1', api: '0.12', homepage: 'h' }],
    extensions: [],
    labels: [{ key: 'k', value: 'v' }],
    processes: [{ type: 'web', command: ['run', '--x'], args: ['y'], direct: true, buildpackId: 'a/b', workingDir: '/w' }],
    slices: [{ paths: ['s'] }],
    bom: [],
  };
  it('FMT-08 ≥0.15 round-trip with exec-env ["*"], buildpack-id and labels (ERRATA-23)', async () => {
    const f = join(dir, 'metadata.toml');
    await writeBuildMetadata(f, md, V('0.15'));
    const back = await readBuildMetadata(f);
    expect(back).toEqual({ ...md, processes: [{ ...md.processes[0]!, execEnv: ['*'] }] });
  });
  it('BL-18 <0.10: command string, extra elements moved to args; reading accepts it', () => {
    const t = buildMetadataToToml(md, V('0.9')) as any;
    expect(t.processes[0]).toEqual({ type: 'web', command: 'run', args: ['--x', 'y'], direct: true, 'buildpack-id': 'a/b', 'working-dir': '/w' });
    const back = buildMetadataFromToml('m', parseToml(stringifyToml(t), 'm'));
    expect(back.processes[0]!.command).toEqual(['run']);
    expect(back.processes[0]!.args).toEqual(['--x', 'y']);
  });
  it('omits an absent default and empty optional tables', () => {
    const t = buildMetadataToToml({ ...md, buildpackDefaultProcessType: undefined, labels: [], slices: [] } as BuildMetadata, V('0.12'));
    expect(Object.keys(t)).toEqual(['buildpacks', 'processes']);
  });
});
