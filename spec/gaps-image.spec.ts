/**
 * The base image contract as the lifecycle relies on it (IMG-01..IMG-03, LY-30) and the app image at run time:
 * FMT-15 command/args and PR-04 exec-env, launched through /cnb/process/<type> in a chroot of the exported
 * image's file system (real native launcher from the build, busybox run image).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractTar, tarChunks } from '../src/archive/index.js';
import { appendLayers, bufferLayer, editConfig, emptyImage } from '../src/image/index.js';
import { collect } from '../src/stream/index.js';
import { isRoot, layerEntries, LIFECYCLE_DIR, makeTempDir, putImage, readImage, readTomlFile, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed, writeExportMetadata, type ExportWorkspace } from '../test/integration/export/fixture.js';

let reg: SpecRegistry;
let ws: ExportWorkspace;
let n = 0;
beforeAll(async () => {
  reg = await startSpecRegistry();
});
afterAll(() => reg.stop());
beforeEach(async () => {
  ws = await makeExportWorkspace();
});
afterEach(() => ws.cleanup());

/** Pushes `image` as a fresh run image repository; returns its digest reference. */
async function pushRun(image: Awaited<ReturnType<typeof runImage>>): Promise<string> {
  const repo = `run/gaps-${++n}`;
  return `${reg.host}/${repo}@${(await putImage({ registry: reg }, reg.ref(repo), image)).digest}`;
}
const exportTo = (tag: string, o: { api?: string; extra?: string[]; env?: Record<string, string> } = {}) =>
  runPhase('exporter', { platformApi: o.api ?? '0.15', args: [...exporterFlags(ws, o.extra ?? []), tag], env: o.env ?? {} });

describe('base image contract (IMG-01..IMG-03, LY-30)', () => {
  for (const api of ['0.7', '0.15']) {
    it(`IMG-01 LY-28 (Platform ${api}) CNB_USER_ID/CNB_GROUP_ID of the build image are the -uid/-gid defaults: exported layer files are owned by them`, async () => {
      await standardBuild(ws, api);
      await writeExportAnalyzed(ws, { runRef: await pushRun(await runImage()) });
      const tag = reg.ref('app/img01', api.replace('.', '-'));
      const r = await exportTo(tag, { api, env: { CNB_USER_ID: '4321', CNB_GROUP_ID: '8765' } });
      expect(r.code, r.stderr).toBe(0);
      const store = reg.store();
      const img = (await store.image(tag))!;
      const { readTar } = await import('../src/archive/index.js');
      const owners = new Set<string>();
      for await (const e of readTar(await (await img.layers())[1]!.uncompressed())) {
        if (e.header.name.startsWith(join(ws.layersDir, 'acme_node', 'deps'))) owners.add(`${e.header.uid}:${e.header.gid}`);
        for await (const _ of e.body) void _;
      }
      expect([...owners]).toEqual(['4321:8765']);
    });
  }

  for (const api of ['0.9', '0.15']) {
    it(`IMG-02 LY-30 ERRATA-14 (Platform ${api}) the app image keeps the run image User and its PATH (after /cnb/process:/cnb/lifecycle)`, async () => {
      await standardBuild(ws, api);
      const env = ['LANG=C.UTF-8', 'PATH=/opt/run/bin:/usr/bin:/bin', 'TZ=UTC'];
      await writeExportAnalyzed(ws, { runRef: await pushRun(await runImage({ user: '2001:2002', env })) });
      const tag = reg.ref('app/img02', api.replace('.', '-'));
      expect((await exportTo(tag, { api })).code).toBe(0);
      const cfg = (await readImage({ registry: reg }, tag))!.config.config!;
      expect(cfg.User).toBe('2001:2002');
      expect(cfg.Env).toContain('PATH=/cnb/process:/cnb/lifecycle:/opt/run/bin:/usr/bin:/bin');
      expect(cfg.Env!.slice(0, 3)).toEqual(['LANG=C.UTF-8', 'PATH=/cnb/process:/cnb/lifecycle:/opt/run/bin:/usr/bin:/bin', 'TZ=UTC']); // in place
    });
  }

  it('IMG-03 the app image has the run image os, architecture and variant; the analyzer records them and refuses a run image without os (≥0.12)', async () => {
    const armRun = await pushRun(await runImage({ arch: 'arm64', variant: 'v8' }));
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef: armRun });
    const tag = reg.ref('app/img03');
    expect((await exportTo(tag)).code).toBe(0);
    const cfg = (await readImage({ registry: reg }, tag))!.config;
    expect([cfg.os, cfg.architecture, cfg.variant]).toEqual(['linux', 'arm64', 'v8']);
    const { dir, cleanup } = await makeTempDir('cnb-img03-');
    try {
      const analyze = (run: string) => runPhase('analyzer', { args: ['-layers', dir, '-run-image', run, reg.ref('app/img03-new')] });
      expect((await analyze(armRun)).code).toBe(0);
      expect((await readTomlFile(join(dir, 'analyzed.toml')))['run-image']['target']).toMatchObject({ os: 'linux', arch: 'arm64', 'arch-variant': 'v8' });
      const noOs = await pushRun(await runImage({ os: '' }));
      const r = await analyze(noOs);
      expect(r.code).toBe(32);
      expect(r.stderr).toContain('failed to find OS in run image config');
    } finally {
      await cleanup();
    }
  });
});

/** A run image whose one layer is a busybox root file system (static binary, applets as symlinks), PATH=/bin. */
async function busyboxRunImage(): Promise<Awaited<ReturnType<typeof runImage>>> {
  const entries = layerEntries({ '/bin/busybox': await readFile('/bin/busybox'), '/etc/os-release': 'ID=busybox\n', '/tmp/.keep': '' });
  for (const e of entries) if (e.path === '/bin/busybox') Object.assign(e, { mode: 0o755 });
  for (const a of ['sh', 'echo', 'env']) entries.push({ path: `/bin/${a}`, type: 'symlink', mode: 0o777, uid: 0, gid: 0, linkname: 'busybox' } as (typeof entries)[number]);
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const layer = bufferLayer(await collect(Readable.from(tarChunks(entries))));
  return editConfig(appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [{ layer, history: { created_by: 'busybox' } }]), (c) => {
    c.config = { Env: ['PATH=/bin'], User: '0:0', Labels: {} };
  });
}

const canChroot = isRoot && process.platform === 'linux' && existsSync('/bin/busybox') && existsSync('/usr/sbin/chroot') && existsSync(join(LIFECYCLE_DIR, 'launcher'));

describe.skipIf(!canChroot)('the exported image at run time (FMT-15, PR-04)', () => {
  it('FMT-15 PR-04 command[0] is the executable (PATH or absolute), command[1:] always passed, args overridable; an exec-env excluding CNB_EXEC_ENV cannot launch', async () => {
    await standardBuild(ws);
    await writeExportMetadata(ws, {
      processes: [
        { type: 'web', command: ['echo', 'always'], args: ['default'], direct: true, buildpackId: 'acme/node' },
        { type: 'abs', command: ['/bin/echo', 'abs'], args: [], direct: true, buildpackId: 'acme/node' },
        { type: 'tests', command: ['echo', 'tests ran'], args: [], direct: true, buildpackId: 'acme/node', execEnv: ['test'] },
      ],
      buildpackDefaultProcessType: 'web',
    });
    await writeExportAnalyzed(ws, { runRef: await pushRun(await busyboxRunImage()) });
    const tag = reg.ref('app/launch');
    const r = await exportTo(tag, { extra: ['-launcher', join(LIFECYCLE_DIR, 'launcher')] });
    expect(r.code, r.stderr).toBe(0);
    const { dir: rootfs, cleanup } = await makeTempDir('cnb-launch-root-');
    try {
      const img = (await reg.store().image(tag))!;
      for (const l of await img.layers()) await extractTar(await l.uncompressed(), rootfs);
      const imageEnv = Object.fromEntries(((await img.config()).config?.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      const launch = (exe: string, args: string[] = [], extra: Record<string, string> = {}) =>
        spawnSync('/usr/sbin/chroot', [rootfs, exe, ...args], { env: { ...imageEnv, ...extra }, encoding: 'utf8' });
      const out = (x: ReturnType<typeof launch>) => [x.status, x.stdout.trim()];
      expect(out(launch('/cnb/process/web'))).toEqual([0, 'always default']); // FMT-15
      expect(out(launch('/cnb/process/web', ['user', 'args']))).toEqual([0, 'always user args']); // args overridden
      expect(out(launch('/cnb/process/abs'))).toEqual([0, 'abs']);
      const entrypoint = (await img.config()).config?.Entrypoint ?? [];
      expect(entrypoint).toEqual(['/cnb/process/web']); // the default process (EP-14)
      expect(out(launch(entrypoint[0]!))).toEqual([0, 'always default']);
      const refused = launch('/cnb/process/tests'); // PR-04: CNB_EXEC_ENV defaults to production at launch
      expect(refused.status).toBe(82);
      expect(refused.stdout).not.toContain('tests ran');
      expect(refused.stderr).toContain("not eligible for execution environment 'production'");
      expect(launch('/cnb/process/tests', [], { CNB_EXEC_ENV: 'staging' }).status).toBe(82);
      expect(out(launch('/cnb/process/tests', [], { CNB_EXEC_ENV: 'test' }))).toEqual([0, 'tests ran']);
      expect(out(launch('/cnb/process/web', [], { CNB_EXEC_ENV: 'test' }))).toEqual([0, 'always default']); // exec-env ["*"]
    } finally {
      await cleanup();
    }
  });
});
