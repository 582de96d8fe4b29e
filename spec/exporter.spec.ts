/** Exporter (§3.7): inputs, image config, labels, report. Image contents: exporter-layers.spec.ts. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Labels, parseToml } from '../src/platform/index.js';
import { putImage, readImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from './harness/index.js';
import {
  exporterFlags,
  makeExportWorkspace,
  standardBuild,
  writeExportAnalyzed,
  writeExportMetadata,
  type ExportWorkspace,
} from '../test/integration/export/fixture.js';

let reg: SpecRegistry;
let runRef: string;
let ws: ExportWorkspace;
beforeAll(async () => {
  reg = await startSpecRegistry();
  const run = await putImage({ registry: reg }, reg.ref('run/base'), await runImage({ labels: { [Labels.rebasable]: 'true' } }));
  runRef = `${reg.host}/run/base@${run.digest}`;
});
afterAll(() => reg.stop());
beforeEach(async () => {
  ws = await makeExportWorkspace();
});
afterEach(() => ws.cleanup());

async function exportTo(tags: string[], o: { api?: string; extra?: string[]; env?: Record<string, string> } = {}) {
  const api = o.api ?? '0.15';
  await standardBuild(ws, api);
  await writeExportAnalyzed(ws, { runRef, runImage: reg.ref('run/base') });
  await writeFile(join(ws.root, 'run.toml'), `[[images]]\nimage = "${reg.ref('run/base')}"\nmirrors = ["mirror.example/run/base"]\n`);
  const stack = join(ws.root, 'stack.toml');
  await writeFile(stack, `[run-image]\nimage = "${reg.ref('run/base')}"\n`);
  const runFlag = api === '0.7' || api === '0.9' || api === '0.10' || api === '0.11' ? ['-stack', stack] : ['-run', join(ws.root, 'run.toml')];
  return runPhase('exporter', { args: [...exporterFlags(ws, [...runFlag, ...(o.extra ?? [])]), ...tags], platformApi: api, env: o.env ?? {} });
}

describe('exporter inputs', () => {
  it('EP-01 requires at least one image (exit 3)', async () => {
    const r = await runPhase('exporter', { args: exporterFlags(ws) });
    expect(r.code).toBe(3);
  });
  it('EP-01 rejects a digest reference and images on two registries (exit 3)', async () => {
    expect((await exportTo([`${reg.host}/app/x@sha256:${'a'.repeat(64)}`])).code).toBe(3);
    expect((await exportTo([reg.ref('app/x'), 'other.example/app/x:latest'])).code).toBe(3);
  });
  it('EP-02 rejects -run-image and an analyzed.toml without a run image reference (exit 3)', async () => {
    expect((await exportTo([reg.ref('app/x')], { extra: ['-run-image', reg.ref('run/base')] })).code).toBe(3);
    await writeExportAnalyzed(ws, { runRef: '' });
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), reg.ref('app/x')] });
    expect(r.code).toBe(3);
  });
});

describe('exporter image config and report', () => {
  it('EP-03 EP-23 FMT-11 writes the same manifest to every tag and reports tags, digest and manifest-size', async () => {
    const tags = [reg.ref('app/tags'), reg.ref('app/tags', 'v2')];
    const r = await exportTo(tags);
    expect(r.code, r.stderr).toBe(0);
    const a = await readImage({ registry: reg }, tags[0]!);
    const b = await readImage({ registry: reg }, tags[1]!);
    expect(a?.digest).toBe(b?.digest);
    const report = parseToml(await readFile(ws.reportPath, 'utf8'), ws.reportPath) as unknown as { image: Record<string, unknown> };
    expect(report.image['tags']).toEqual(tags);
    expect(report.image['digest']).toBe(a?.digest);
    expect(typeof report.image['manifest-size']).toBe('number');
    expect(report.image['image-id']).toBeUndefined();
  });

  it('EP-14 EP-15 EP-16 ERRATA-14 sets entrypoint, env and working dir; Cmd is empty', async () => {
    const r = await exportTo([reg.ref('app/cfg')]);
    expect(r.code, r.stderr).toBe(0);
    const c = (await readImage({ registry: reg }, reg.ref('app/cfg')))!.config.config!;
    expect(c.Entrypoint).toEqual(['/cnb/process/web']);
    expect(c.Cmd).toBeUndefined();
    expect(c.WorkingDir).toBe(ws.appDir);
    expect(c.User).toBe('2000:2000'); // EP-04, LY-30: inherited
    expect(c.Env).toEqual(
      expect.arrayContaining([
        `CNB_LAYERS_DIR=${ws.layersDir}`,
        `CNB_APP_DIR=${ws.appDir}`,
        'PATH=/cnb/process:/cnb/lifecycle:/usr/local/bin:/usr/bin:/bin',
        'CNB_PLATFORM_API=0.15',
        'CNB_DEPRECATION_MODE=quiet',
      ]),
    );
  });

  it('EP-14 PR-02 -process-type picks /cnb/process/<type>; an unknown type fails with 62; no default gives the launcher', async () => {
    expect((await exportTo([reg.ref('app/pt')], { extra: ['-process-type', 'worker'] })).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/pt')))!.config.config!.Entrypoint).toEqual(['/cnb/process/worker']);
    expect((await exportTo([reg.ref('app/pt2')], { extra: ['-process-type', 'nope'] })).code).toBe(62);
    await writeExportMetadata(ws, { buildpackDefaultProcessType: undefined });
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), reg.ref('app/pt3')] });
    expect(r.code, r.stderr).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/pt3')))!.config.config!.Entrypoint).toEqual(['/cnb/lifecycle/launcher']);
  });

  it('EP-17 EP-18 EP-19 ERRATA-07 FMT-10 sets lifecycle, build and project labels, launch.toml labels, inherits rebasable', async () => {
    await standardBuild(ws);
    await writeExportMetadata(ws, { labels: [{ key: 'org.example.a', value: '1' }, { key: 'org.example.a', value: '2' }] });
    await writeExportAnalyzed(ws, { runRef });
    await writeFile(join(ws.layersDir, 'project-metadata.toml'), '[source]\ntype = "git"\n[source.version]\ncommit = "abc"\n');
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), reg.ref('app/labels')] });
    expect(r.code, r.stderr).toBe(0);
    const l = (await readImage({ registry: reg }, reg.ref('app/labels')))!.labels;
    expect(l['org.example.a']).toBe('2');
    expect(l[Labels.rebasable]).toBe('true');
    expect(JSON.parse(l[Labels.projectMetadata]!)).toEqual({ source: { type: 'git', version: { commit: 'abc' } } });
    expect(JSON.parse(l[Labels.lifecycleMetadata]!).buildpacks[0].key).toBe('acme/node');
    expect(JSON.parse(l[Labels.buildMetadata]!).buildpacks).toEqual([{ id: 'acme/node', version: '1.0.0' }]); // ERRATA-12
  });

  it('EP-17 FMT-10 project metadata label is {} without the file', async () => {
    expect((await exportTo([reg.ref('app/noproj')])).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/noproj')))!.labels[Labels.projectMetadata]).toBe('{}');
  });

  for (const api of ['0.7', '0.9', '0.10', '0.11', '0.12', '0.15']) {
    it(`LBL-07 LBL-08 LBL-05 LBL-06 label shapes follow Platform API ${api}`, async () => {
      const r = await exportTo([reg.ref(`app/lbl${api.replace('.', '')}`)], { api });
      expect(r.code, r.stderr).toBe(0);
      const img = (await readImage({ registry: reg }, reg.ref(`app/lbl${api.replace('.', '')}`)))!;
      const build = JSON.parse(img.labels[Labels.buildMetadata]!);
      const web = build.processes[0];
      if (api === '0.7' || api === '0.9') expect(web.command).toBe('node');
      else expect(web.command).toEqual(['node', 'index.js']);
      expect('buildpackID' in web).toBe(api !== '0.7' && api !== '0.9' && api !== '0.10');
      expect('exec-env' in web).toBe(api === '0.15');
      expect(build.launcher.version).toMatch(/\d/);
      const lc = JSON.parse(img.labels[Labels.lifecycleMetadata]!);
      expect(lc.runImage.topLayer).toBe(img.diffIds[0]); // LBL-05, LY-23
      expect(lc.runImage.reference).toBe(runRef);
      expect(lc.stack.runImage.image).toBe(reg.ref('run/base')); // LBL-06
      if (api === '0.12' || api === '0.15') expect(lc.runImage.mirrors).toEqual(['mirror.example/run/base']);
      else expect(lc.runImage.image).toBeUndefined();
      expect(img.config.history === undefined || img.config.history.length === img.diffIds.length).toBe(true);
      if (api === '0.12' || api === '0.15') expect(img.config.history?.[1]?.created_by).toBe("Layer: 'deps', Created by buildpack: acme/node@1.0.0");
    });
  }

  it('EP-20 created is SOURCE_DATE_EPOCH (≥0.9), the constant when unset or invalid, and below 0.9', async () => {
    expect((await exportTo([reg.ref('app/sde')], { env: { SOURCE_DATE_EPOCH: '1700000000' } })).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/sde')))!.config.created).toBe('2023-11-14T22:13:20Z');
    const bad = await exportTo([reg.ref('app/sde2')], { env: { SOURCE_DATE_EPOCH: 'soon' } });
    expect(bad.code).toBe(0);
    expect(bad.stderr + bad.stdout).toMatch(/SOURCE_DATE_EPOCH/);
    expect((await readImage({ registry: reg }, reg.ref('app/sde2')))!.config.created).toBe('1980-01-01T00:00:01Z');
    expect((await exportTo([reg.ref('app/sde3')], { api: '0.7', env: { SOURCE_DATE_EPOCH: '1700000000' } })).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/sde3')))!.config.created).toBe('1980-01-01T00:00:01Z');
  });

  it('EP-22 ERRATA-08 sets io.buildpacks.exec-env from CNB_EXEC_ENV (0.15 only)', async () => {
    expect((await exportTo([reg.ref('app/xe')], { env: { CNB_EXEC_ENV: 'test' } })).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/xe')))!.labels[Labels.execEnv]).toBe('test');
    expect((await exportTo([reg.ref('app/xe2')], { api: '0.14', env: { CNB_EXEC_ENV: 'test' } })).code).toBe(0);
    expect((await readImage({ registry: reg }, reg.ref('app/xe2')))!.labels[Labels.execEnv]).toBeUndefined();
  });
});
