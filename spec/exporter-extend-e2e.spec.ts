import { chmod, copyFile, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Labels } from '../src/platform/index.js';
import {
  isRoot,
  makeTempDir,
  makeWorkspace,
  orderToml,
  putImage,
  readImage,
  readTomlFile,
  runImage,
  runPhase,
  startSpecRegistry,
  TEST_GID,
  TEST_UID,
  writeBuildpack,
  writeExtension,
  writePlan,
  type SpecRegistry,
  type Workspace,
} from './harness/index.js';

// End to end with run-image extension (§3.3 → §3.4 → §3.5 → §3.6 → §3.7): the detector runs an extension whose
// run.Dockerfile switches the run image and extends it with a RUN step; the restorer resolves the switched image
// and saves its manifest/config under <kaniko-dir> (RS-13, RS-15); the extender -kind run applies the Dockerfile
// (RUN through chroot into a busybox root, CNB_EXTEND_ROOT_DIR, as spec/extender.spec.ts does) and writes the
// sparse layout under <extended>/run (XT-08); the builder builds; the exporter puts the run image layers, the
// extension layer and the buildpack layers together (EP-04, EP-12, EP-19, LBL-05).

let reg: SpecRegistry;
let ws: Workspace;
let scratch: { dir: string; cleanup: () => Promise<void> };
let origRef: string;
let switchedRef: string;

beforeAll(async () => {
  reg = await startSpecRegistry();
  origRef = reg.ref('e2e/run', 'orig');
  switchedRef = reg.ref('e2e/run-switched', '1');
  await putImage({ registry: reg }, origRef, await runImage({ marker: 'original' }));
  await putImage({ registry: reg }, switchedRef, await runImage({ marker: 'switched', env: ['PATH=/usr/bin:/bin', 'SWITCHED=1'], labels: { [Labels.rebasable]: 'false' } }));
});
afterAll(async () => reg?.stop());
beforeEach(async () => {
  ws = await makeWorkspace('cnb-e2e-ext-');
  scratch = await makeTempDir('cnb-e2e-ext-root-');
});
afterEach(async () => {
  await ws.cleanup();
  await scratch.cleanup();
});

/** A busybox root file system for RUN (the machine's own root is never touched). */
async function busyboxRoot(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await copyFile('/bin/busybox', join(dir, 'bin', 'busybox'));
  for (const applet of ['sh', 'echo', 'mkdir', 'id']) await symlink('busybox', join(dir, 'bin', applet));
  await mkdir(join(dir, 'etc'), { recursive: true });
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\ncnb:x:2000:2000:cnb:/home/cnb:/bin/sh\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\ncnb:x:2000:\n');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);
}

const RUN_DOCKERFILE = (from: string) =>
  [`FROM ${from}`, 'USER root', 'RUN mkdir -p /opt/ext && echo extended > /opt/ext/file', 'LABEL io.buildpacks.rebasable=true', 'USER 2000:2000'].join('\n');

describe.skipIf(!isRoot || process.platform !== 'linux' || !existsSync('/bin/busybox'))('run-image extension end to end', () => {
  it('EP-04 EP-12 EP-19 LBL-05 RS-13 RS-15 XT-08 detector → restorer → extender -kind run → builder → exporter', async () => {
    const api = '0.15';
    const env = { CNB_EXPERIMENTAL_MODE: 'quiet' };
    const kaniko = join(scratch.dir, 'kaniko');
    const rootfs = join(scratch.dir, 'rootfs');
    await chmod(scratch.dir, 0o755); // the restorer runs as the CNB user
    await mkdir(kaniko);
    await busyboxRoot(rootfs);
    const runToml = join(ws.root, 'run.toml');
    await writeFile(runToml, `[[images]]\nimage = "${origRef}"\n`);
    const launcher = join(ws.root, 'launcher');
    await writeFile(launcher, '#!/bin/sh\necho launcher\n', { mode: 0o755 });

    // detection (DT-26, GE-10): the extension switches the run image and extends it
    await writeBuildpack(ws.buildpacks, {
      id: 'acme/bp',
      detect: writePlan('[[requires]]\nname = "ext-dep"'),
      build: [
        'mkdir -p "$CNB_LAYERS_DIR/tool" && echo tool > "$CNB_LAYERS_DIR/tool/file"',
        `printf '[types]\\nlaunch = true\\n' > "$CNB_LAYERS_DIR/tool.toml"`,
        `printf '[[processes]]\\ntype = "web"\\ncommand = ["/bin/true"]\\ndefault = true\\n' > "$CNB_LAYERS_DIR/launch.toml"`,
      ].join('\n'),
    });
    await writeExtension(ws.extensions, {
      id: 'acme/ext',
      detect: writePlan('[[provides]]\nname = "ext-dep"'),
      generate: `cat > "$CNB_OUTPUT_DIR/run.Dockerfile" <<'EOF'\n${RUN_DOCKERFILE(switchedRef)}\nEOF`,
    });
    await writeFile(
      join(ws.layers, 'order.toml'),
      `${orderToml([[{ id: 'acme/bp', version: '0.0.1' }]])}\n${orderToml([[{ id: 'acme/ext', version: '0.0.1' }]], 'order-extensions')}\n`,
    );
    await writeFile(join(ws.layers, 'analyzed.toml'), `[run-image]\nreference = "${origRef}"\nimage = "${origRef}"\n[run-image.target]\nos = "linux"\narch = "amd64"\n`);
    const det = await ws.run('detector', { platformApi: api, env, args: [...ws.dirArgs, '-extensions', ws.extensions, '-run', runToml] });
    expect(det.code, det.stdout + det.stderr).toBe(0);
    const afterDetect = await readTomlFile(join(ws.layers, 'analyzed.toml'));
    expect(afterDetect['run-image']).toEqual({ reference: switchedRef, image: switchedRef, extend: true });

    // restore (RS-13, RS-15): digest reference + target of the switched image, its manifest/config under <kaniko>
    const ids = ['-uid', String(TEST_UID), '-gid', String(TEST_GID)];
    const res = await runPhase('restorer', { platformApi: api, env: { ...env, CNB_KANIKO_DIR: kaniko }, args: ['-layers', ws.layers, '-run', runToml, ...ids] });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const restored = await readTomlFile(join(ws.layers, 'analyzed.toml'));
    const switched = (await readImage({ registry: reg }, switchedRef))!;
    const switchedDigestRef = `${switchedRef.slice(0, switchedRef.lastIndexOf(':'))}@${switched.digest}`;
    expect(restored['run-image']).toMatchObject({ reference: switchedDigestRef, image: switchedRef, extend: true, target: { os: 'linux', arch: 'amd64' } });
    expect(await readdir(join(kaniko, 'cache', 'base'))).toEqual([switched.digest]);

    // extend the run image (XT-01, XT-08): RUN in the busybox chroot
    const ext = await runPhase('extender', {
      platformApi: api,
      env: { ...env, CNB_KANIKO_DIR: kaniko, CNB_EXTEND_ROOT_DIR: rootfs },
      args: ['-kind', 'run', '-layers', ws.layers, '-app', ws.app, '-platform', ws.platform],
    });
    expect(ext.code, ext.stdout + ext.stderr).toBe(0);
    const extendedDirs = await readdir(join(ws.layers, 'extended', 'run'));
    expect(extendedDirs).toHaveLength(1);
    expect(extendedDirs[0]).toMatch(/^sha256:[0-9a-f]{64}$/);

    // build (as the CNB user), then export
    const build = await ws.run('builder', { platformApi: api, env, args: [...ws.dirArgs] });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const tag = reg.ref('e2e/app', 'extended');
    const exp = await runPhase('exporter', { platformApi: api, env, args: ['-layers', ws.layers, '-app', ws.app, '-launcher', launcher, '-run', runToml, ...ids, tag] });
    expect(exp.code, exp.stdout + exp.stderr).toBe(0);

    const app = (await readImage({ registry: reg }, tag))!;
    const n = switched.diffIds.length;
    expect(app.diffIds.slice(0, n)).toEqual(switched.diffIds); // EP-12: the switched run image's layers first
    expect(await app.layerFiles(n)).toContain('/opt/ext/file'); // then the extension layer (RUN)
    expect(app.config.history![n]!.created_by).toMatch(/^Layer: 'RUN mkdir -p \/opt\/ext.*', Created by extension: acme\/ext$/);
    const bpLayer = app.diffIds.findIndex((_, i) => i > n);
    expect(await app.layerFiles(bpLayer)).toContain(`${ws.layers}/acme_bp/tool/file`); // then the buildpack layers
    // the extended config (EP-04): Env and User of the extended image; rebasable inherited (XT-06 → true)
    expect(app.config.config?.Env).toEqual(expect.arrayContaining(['SWITCHED=1']));
    expect(app.config.config?.User).toBe('2000:2000');
    expect(app.labels[Labels.rebasable]).toBe('true');
    // LBL-05: topLayer is the original (switched) run image's top layer; reference its digest reference
    const lc = JSON.parse(app.labels[Labels.lifecycleMetadata]!);
    expect(lc.runImage.topLayer).toBe(switched.diffIds.at(-1));
    expect(lc.runImage.reference).toBe(switchedDigestRef);
  });
});
