import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRoot, makeTempDir, runPhase, writeBuildpack } from './harness/index.js';

// The extender (§3.5) -kind run, with RUN executed by chroot inside a busybox root file system in a temp dir
// (CNB_EXTEND_ROOT_DIR): the machine's real root file system is never touched.

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const exists = (p: string) => stat(p).then(() => true, () => false);
const BASE_LAYER = `sha256:${'b'.repeat(64)}`;

let tmp: { dir: string; cleanup: () => Promise<void> };
let root: string;
let layers: string;
let kaniko: string;
let baseDigest: string;

/** A busybox root file system: /bin/<applets>, /etc/passwd with root and cnb (1000), a file to delete. */
async function busyboxRoot(dir: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await copyFile('/bin/busybox', join(dir, 'bin', 'busybox'));
  for (const applet of ['sh', 'echo', 'mkdir', 'rm', 'cat', 'id', 'touch', 'chmod', 'ls']) await symlink('busybox', join(dir, 'bin', applet));
  await mkdir(join(dir, 'etc'), { recursive: true });
  await writeFile(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\ncnb:x:1000:1000:cnb:/home/cnb:/bin/sh\n');
  await writeFile(join(dir, 'etc', 'group'), 'root:x:0:\ncnb:x:1000:\n');
  await writeFile(join(dir, 'etc', 'remove-me'), 'x');
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);
}

/** The run image as the restorer leaves it (RS-15): a sparse OCI layout at <kaniko>/cache/base/<digest>. */
async function baseImage(dir: string, labels: Record<string, string> = {}): Promise<string> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: '1000:1000', Env: ['PATH=/bin', 'BASE=1'], Labels: labels },
      rootfs: { type: 'layers', diff_ids: [BASE_LAYER] },
      history: [{ created_by: 'base layer' }],
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.byteLength },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'c'.repeat(64)}`, size: 1234 }],
    }),
  );
  const digest = sha(manifest);
  const layout = join(dir, 'cache', 'base', digest);
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(layout, 'blobs', 'sha256', sha(config).slice(7)), config);
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), manifest);
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.byteLength }] }));
  return digest;
}

async function extension(id: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const p = join(layers, 'generated', id, name);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, text);
  }
}

async function groupOf(ids: string[]): Promise<void> {
  const exts = ids.map((id) => `[[group-extensions]]\nid = "${id}"\nversion = "0.0.1"\napi = "0.12"\n`).join('');
  await writeFile(join(layers, 'group.toml'), `[[group]]\nid = "bp"\nversion = "0.0.1"\napi = "0.12"\n${exts}`);
}

const extendRun = (env: Record<string, string> = {}, platformApi = '0.15') =>
  runPhase('extender', {
    platformApi,
    args: ['-kind', 'run', '-layers', layers, '-app', join(tmp.dir, 'app'), '-platform', join(tmp.dir, 'platform')],
    env: { CNB_EXTEND_ROOT_DIR: root, CNB_KANIKO_DIR: kaniko, CNB_EXPERIMENTAL_MODE: 'quiet', ...env },
  });

/** The only layout under <extended>/run, its manifest and config. */
async function extended(): Promise<{ dir: string; manifest: any; config: any; blob: (d: string) => string }> {
  const names = await readdir(join(layers, 'extended', 'run'));
  expect(names).toHaveLength(1);
  const dir = join(layers, 'extended', 'run', names[0] as string);
  const blob = (d: string) => join(dir, 'blobs', 'sha256', d.slice(7));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  expect(index.manifests).toHaveLength(1);
  expect(names[0]).toBe(index.manifests[0].digest);
  const manifest = JSON.parse(await readFile(blob(index.manifests[0].digest), 'utf8'));
  const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8'));
  return { dir, manifest, config, blob };
}

const tarList = (file: string) => execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' });

const RUN_DF = [
  'ARG base_image',
  'FROM ${base_image}',
  'ARG build_id=0',
  'ARG user_id',
  'ARG group_id',
  'ARG greeting',
  'USER root',
  'RUN echo "$build_id" > /etc/build-id && mkdir -p /opt/tool && echo "$greeting" > /opt/tool/file && rm /etc/remove-me && id -u > /opt/tool/uid',
  'COPY ctxfile /opt/ctxfile',
  'ENV FOO=bar \\',
  '    SPACED="a b"',
  'LABEL io.buildpacks.rebasable=true',
  'USER ${user_id}:${group_id}',
  'RUN id -u > /tmp/uid-after',
].join('\n');

beforeEach(async () => {
  tmp = await makeTempDir('cnb-extend-');
  root = join(tmp.dir, 'rootfs');
  layers = join(tmp.dir, 'layers');
  kaniko = join(tmp.dir, 'kaniko');
  for (const d of ['app', 'platform', 'layers']) await mkdir(join(tmp.dir, d), { recursive: true });
  await busyboxRoot(root);
  baseDigest = await baseImage(kaniko);
  await writeFile(join(layers, 'analyzed.toml'), `[run-image]\nreference = "registry.example/run@${baseDigest}"\nimage = "registry.example/run"\nextend = true\n`);
});
afterEach(async () => tmp.cleanup());

describe.skipIf(!isRoot || process.platform !== 'linux')('extender -kind run (XT-01..XT-08)', () => {
  it('XT-01/XT-02/XT-03/XT-08 applies run.Dockerfile in a chroot; new layers and config in a sparse layout at <extended>/run/<digest>', async () => {
    await groupOf(['ext']);
    await extension('ext', {
      'run.Dockerfile': RUN_DF,
      'extend-config.toml': '[[run.args]]\nname = "greeting"\nvalue = "hello"\n[[run.args]]\nname = "build_id"\nvalue = "ignored"\n',
      'context/ctxfile': 'from context\n',
    });
    const r = await extendRun();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // RUN really ran inside the root: as root (USER root), with the build args
    expect((await readFile(join(root, 'opt', 'tool', 'file'), 'utf8')).trim()).toBe('hello');
    expect((await readFile(join(root, 'opt', 'tool', 'uid'), 'utf8')).trim()).toBe('0');
    expect((await readFile(join(root, 'tmp', 'uid-after'), 'utf8')).trim()).toBe('1000'); // USER ${user_id}:${group_id}
    expect((await readFile(join(root, 'etc', 'build-id'), 'utf8')).trim()).toMatch(/^[0-9a-f-]{36}$/); // XT-02 UUID, user value ignored
    expect(await readFile(join(root, 'opt', 'ctxfile'), 'utf8')).toBe('from context\n'); // XT-03 <generated>/<ext>/context
    const { manifest, config, blob } = await extended();
    expect(manifest.layers).toHaveLength(4); // base + RUN + COPY + RUN
    expect(manifest.layers[0].digest).toBe(`sha256:${'c'.repeat(64)}`);
    expect(await exists(blob(manifest.layers[0].digest))).toBe(false); // base layers stay in the run image
    for (const l of manifest.layers.slice(1)) expect(await exists(blob(l.digest))).toBe(true);
    expect(config.rootfs.diff_ids).toHaveLength(4);
    expect(config.config.Env).toEqual(expect.arrayContaining(['PATH=/bin', 'BASE=1', 'FOO=bar', 'SPACED=a b']));
    expect(config.config.User).toBe('1000:1000'); // user_id:group_id of the base image
    expect(config.config.Labels['io.buildpacks.rebasable']).toBe('true'); // XT-06
    expect(config.history).toHaveLength(4);
    expect(config.history[1].created_by).toMatch(/^Layer: 'RUN .*', Created by extension: ext$/);
    const runLayer = tarList(blob(manifest.layers[1].digest));
    expect(runLayer).toMatch(/\/opt\/tool\/file/);
    expect(runLayer).toMatch(/\/etc\/\.wh\.remove-me/);
    expect(runLayer).toMatch(/\/etc\/build-id/);
    expect(runLayer).not.toMatch(/\/bin\/busybox/);
    const copyLayer = tarList(blob(manifest.layers[2].digest));
    expect(copyLayer).toMatch(/\/opt\/ctxfile/);
    expect(copyLayer).not.toMatch(/\/opt\/tool\/file/);
  });

  it('XT-07 LY-31 a final root user fails (102); XT-06 an unset rebasable label gives false', async () => {
    await groupOf(['ext']);
    await extension('ext', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nUSER root\nRUN touch /x' });
    expect((await extendRun()).code).toBe(102);
    await extension('ext', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nRUN touch /tmp/x' });
    const r = await extendRun();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await extended()).config.config.Labels['io.buildpacks.rebasable']).toBe('false');
  });

  it('XT-07 LY-31 [REF] uid 0 is root too: a final USER 0:0 fails (102), a later non-root USER passes', async () => {
    await groupOf(['ext']);
    await extension('ext', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nUSER 0:0\nRUN touch /tmp/x' });
    expect((await extendRun()).code).toBe(102);
    await extension('ext', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nUSER 0:0\nRUN touch /tmp/x\nUSER 1000:1000' });
    expect((await extendRun()).code).toBe(0);
  });

  it('XT-06 every applied Dockerfile must set rebasable=true; XT-01 .ignore files are skipped; the base_image of the second is the first result', async () => {
    await groupOf(['e1', 'e2', 'e3']);
    await extension('e1', { 'run.Dockerfile.ignore': 'FROM other\nRUN false' });
    await extension('e2', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nLABEL io.buildpacks.rebasable=true\nRUN touch /tmp/e2' });
    await extension('e3', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nARG base_image\nRUN echo "$base_image" > /tmp/e3' });
    const r = await extendRun();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await readFile(join(root, 'tmp', 'e3'), 'utf8')).trim()).toMatch(/^base@sha256:[0-9a-f]{64}$/);
    const { config } = await extended();
    expect(config.config.Labels['io.buildpacks.rebasable']).toBe('false');
    expect(config.history.map((h: any) => h.created_by).slice(1)).toEqual([
      "Layer: 'RUN touch /tmp/e2', Created by extension: e2",
      'Layer: \'RUN echo "$base_image" > /tmp/e3\', Created by extension: e3',
    ]);
  });

  it('a failing RUN exits 102 and writes no extended image; the 0.12 layout <generated>/run/<ext>/Dockerfile is read', async () => {
    await groupOf(['ext']);
    await extension('ext', { 'run.Dockerfile': 'ARG base_image\nFROM ${base_image}\nRUN exit 3' });
    expect((await extendRun()).code).toBe(102);
    expect(await exists(join(layers, 'extended', 'run'))).toBe(false);
    await mkdir(join(layers, 'generated', 'run', 'ext'), { recursive: true });
    await writeFile(join(layers, 'generated', 'run', 'ext', 'Dockerfile'), 'ARG base_image\nFROM ${base_image}\nLABEL io.buildpacks.rebasable=true\nRUN touch /tmp/from-012');
    const r = await extendRun({}, '0.12');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await exists(join(root, 'tmp', 'from-012'))).toBe(true);
    expect((await extended()).manifest.layers).toHaveLength(2);
  });

  it('no Dockerfile of the kind: nothing to do (0), no output', async () => {
    await groupOf(['ext']);
    await extension('ext', { 'build.Dockerfile': 'ARG base_image\nFROM ${base_image}\nRUN false' });
    const r = await extendRun();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await exists(join(layers, 'extended'))).toBe(false);
  });
});

describe.skipIf(!isRoot || process.platform !== 'linux')('extender -kind build (XT-04, XT-05)', () => {
  it('XT-05 applies build.Dockerfile (RUN in the chroot), then runs the build as <uid>:<gid> with the extended Env', async () => {
    await chmod(tmp.dir, 0o755);
    const out = join(tmp.dir, 'out');
    await mkdir(out, { recursive: true });
    await chmod(out, 0o777);
    const buildpacks = join(tmp.dir, 'buildpacks');
    await writeBuildpack(buildpacks, { id: 'bp', build: `echo "$PATH" > "${out}/path"; id -u > "${out}/uid"` });
    await groupOf(['ext']);
    await writeFile(join(layers, 'plan.toml'), '');
    const buildDigest = await baseImage(kaniko);
    await writeFile(join(layers, 'analyzed.toml'), `[build-image]\nreference = "registry.example/build@${buildDigest}"\n`);
    await extension('ext', { 'build.Dockerfile': 'ARG base_image\nFROM ${base_image}\nUSER root\nRUN mkdir -p /opt/ext/bin\nENV PATH=/opt/ext/bin:/usr/bin:/bin\nUSER 1000:1000' });
    const r = await runPhase('extender', {
      args: ['-kind', 'build', '-layers', layers, '-app', join(tmp.dir, 'app'), '-platform', join(tmp.dir, 'platform'), '-buildpacks', buildpacks, '-uid', '1000', '-gid', '1000'],
      env: { CNB_EXTEND_ROOT_DIR: root, CNB_KANIKO_DIR: kaniko },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await exists(join(root, 'opt', 'ext', 'bin'))).toBe(true);
    expect((await readFile(join(out, 'path'), 'utf8')).trim()).toMatch(/^\/opt\/ext\/bin:/);
    expect((await readFile(join(out, 'uid'), 'utf8')).trim()).toBe('1000');
    expect(await exists(join(layers, 'config', 'metadata.toml'))).toBe(true);
    expect(await exists(join(layers, 'extended'))).toBe(false); // kind build writes no image
  });
});
