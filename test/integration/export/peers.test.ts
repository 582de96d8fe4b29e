/**
 * The exported image as the real peers see it: `skopeo inspect --config` (labels, env, entrypoint, workdir,
 * EP-14..EP-17) on a registry export of the built binary, and `oci-image-tool validate` on a layout export.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutStore } from '../../../src/layout/index.js';
import { Labels } from '../../../src/platform/index.js';
import { layoutDirOf, putImage, runImage, runPhase, startSpecRegistry, type SpecRegistry } from '../../../spec/harness/index.js';
import { exporterFlags, makeExportWorkspace, standardBuild, writeExportAnalyzed } from './fixture.js';

let reg: SpecRegistry;
beforeAll(async () => {
  reg = await startSpecRegistry();
});
afterAll(() => reg.stop());

describe('exported image seen by skopeo and oci-image-tool', () => {
  it('skopeo inspect --config shows the labels, env, entrypoint and workdir the spec requires', async () => {
    const ws = await makeExportWorkspace();
    const run = await putImage({ registry: reg }, reg.ref('run/base'), await runImage());
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef: `${reg.host}/run/base@${run.digest}` });
    const r = await runPhase('exporter', { args: [...exporterFlags(ws), reg.ref('app/peer')] });
    expect(r.code, r.stderr).toBe(0);
    const out = execFileSync('skopeo', ['inspect', '--config', ...reg.server.skopeoArgs('inspect'), `docker://${reg.ref('app/peer')}`], { encoding: 'utf8' });
    const cfg = JSON.parse(out) as { config: { Env: string[]; Entrypoint: string[]; WorkingDir: string; Labels: Record<string, string> }; rootfs: { diff_ids: string[] } };
    expect(cfg.config.Entrypoint).toEqual(['/cnb/process/web']);
    expect(cfg.config.WorkingDir).toBe(ws.appDir);
    expect(cfg.config.Env).toEqual(expect.arrayContaining([`CNB_LAYERS_DIR=${ws.layersDir}`, `CNB_APP_DIR=${ws.appDir}`, 'PATH=/cnb/process:/cnb/lifecycle:/usr/local/bin:/usr/bin:/bin']));
    for (const l of [Labels.lifecycleMetadata, Labels.buildMetadata, Labels.projectMetadata]) expect(cfg.config.Labels[l]).toBeDefined();
    const lc = JSON.parse(cfg.config.Labels[Labels.lifecycleMetadata]!);
    expect(lc.runImage.topLayer).toBe(cfg.rootfs.diff_ids[0]);
    await ws.cleanup();
  });

  it('oci-image-tool validates the layout export (EP-27)', async () => {
    const ws = await makeExportWorkspace();
    const runTag = 'example.com/run/base:latest';
    const rr = await new LayoutStore(ws.layoutDir).write(await runImage(), [runTag]);
    await standardBuild(ws);
    await writeExportAnalyzed(ws, { runRef: `${layoutDirOf(ws.layoutDir, runTag)}@${rr.digest}` });
    const tag = 'example.com/app/peer:v1';
    const r = await runPhase('exporter', { args: [...exporterFlags(ws, ['-layout', '-layout-dir', ws.layoutDir]), tag], env: { CNB_EXPERIMENTAL_MODE: 'quiet' } });
    expect(r.code, r.stderr).toBe(0);
    execFileSync('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=v1', layoutDirOf(ws.layoutDir, tag)], { stdio: 'pipe' });
    const m = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `oci:${layoutDirOf(ws.layoutDir, tag)}:v1`], { encoding: 'utf8' }));
    expect(m.config.Entrypoint).toEqual(['/cnb/process/web']);
    await ws.cleanup();
  });
});
