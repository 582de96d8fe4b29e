/**
 * GEN-11: registry credentials (CNB_REGISTRY_AUTH, DOCKER_CONFIG and what they hold) are used for analysis and
 * export but never reach /bin/detect, /bin/generate, /bin/build or the extender's RUN instructions. Every
 * module dumps its whole environment; the dumps must not name the variables nor contain the secrets.
 */
import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isRoot,
  LIFECYCLE_DIR,
  makeTempDir,
  makeWorkspace,
  orderToml,
  putImage,
  readImage,
  runImage,
  runPhase,
  startSpecRegistry,
  writeBuildpack,
  writeExtension,
  writeOrder,
  writePlan,
  type SpecRegistry,
  type Workspace,
} from './harness/index.js';

const DOCKER_SECRET = 'docker-secret-pw-5f1c';
const dockerAuth = Buffer.from(`someone:${DOCKER_SECRET}`).toString('base64');

/** A DOCKER_CONFIG dir whose config.json holds a (base64) secret for another registry. */
async function dockerConfig(dir: string): Promise<string> {
  const d = join(dir, 'docker-config');
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'config.json'), JSON.stringify({ auths: { 'other.example': { auth: dockerAuth } } }));
  await chmod(d, 0o755);
  return d;
}

/** Asserts that an env dump (`env` output) carries no credential variable and no secret value. */
function expectNoCredentials(dump: string, secrets: readonly string[], who: string): void {
  expect(dump.length, `${who}: empty env dump`).toBeGreaterThan(0);
  const names = dump.split('\n').map((l) => l.slice(0, l.indexOf('=')));
  for (const n of ['CNB_REGISTRY_AUTH', 'DOCKER_CONFIG', 'DOCKER_AUTH_CONFIG']) expect(names, `${who} has ${n}`).not.toContain(n);
  for (const s of [...secrets, DOCKER_SECRET, dockerAuth]) expect(dump.includes(s), `${who} sees a secret`).toBe(false);
}

const dump = (out: string, name: string) => `env > "${out}/${name}.env"`;
const read = (out: string, name: string) => readFile(join(out, `${name}.env`), 'utf8');

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe('GEN-11 creator against a registry that needs credentials', () => {
  let reg: SpecRegistry;
  beforeAll(async () => {
    reg = await startSpecRegistry({ auth: 'htpasswd' });
    await putImage({ registry: reg }, reg.ref('run/base'), await runImage());
  });
  afterAll(() => reg.stop());

  for (const api of ['0.9', '0.15']) {
    it(`GEN-11 (Platform ${api}) analysis and export use CNB_REGISTRY_AUTH; bin/detect and bin/build see neither it nor DOCKER_CONFIG`, async () => {
      ws = await makeWorkspace('cnb-gen11-');
      const out = ws.out;
      await chmod(out, 0o777);
      await writeBuildpack(ws.buildpacks, { id: 'spec/env', api: '0.9', detect: dump(out, 'detect'), build: `${dump(out, 'build')}\nmkdir -p "$CNB_LAYERS_DIR/l"; printf '[types]\\nlaunch = true\\n' > "$CNB_LAYERS_DIR/l.toml"; echo x > "$CNB_LAYERS_DIR/l/f"` });
      const orderPath = join(ws.root, 'order.toml');
      await writeOrder(orderPath, [[{ id: 'spec/env', version: '0.0.1' }]]);
      const app = reg.ref('app/creds', api.replace('.', '-'));
      const auth = reg.authEnv();
      const r = await ws.run('creator', {
        platformApi: api,
        env: { ...auth, DOCKER_CONFIG: await dockerConfig(ws.root) },
        args: ['-run-image', reg.ref('run/base'), '-order', orderPath, '-launcher', join(LIFECYCLE_DIR, 'launcher'), ...ws.dirArgs, app],
      });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(await readImage({ registry: reg }, app)).toBeDefined(); // the credentials were used for export
      const secrets = [auth['CNB_REGISTRY_AUTH']!, reg.authHeader()!, reg.server.password!];
      expectNoCredentials(await read(out, 'detect'), secrets, 'bin/detect');
      expectNoCredentials(await read(out, 'build'), secrets, 'bin/build');
    });
  }
});

describe('GEN-11 detector (with generation) and builder run on their own', () => {
  it('GEN-11 bin/detect, bin/generate and bin/build never see CNB_REGISTRY_AUTH or DOCKER_CONFIG', async () => {
    ws = await makeWorkspace('cnb-gen11-');
    const out = ws.out;
    const auth = JSON.stringify({ 'registry.example': 'Bearer gen11-bearer-token' });
    const env = { CNB_REGISTRY_AUTH: auth, DOCKER_CONFIG: await dockerConfig(ws.root), CNB_EXPERIMENTAL_MODE: 'quiet' };
    await writeBuildpack(ws.buildpacks, { id: 'bp', detect: `${dump(out, 'detect')}\n${writePlan('[[requires]]\nname = "dep"')}`, build: dump(out, 'build') });
    await writeExtension(ws.extensions, { id: 'ext', detect: writePlan('[[provides]]\nname = "dep"'), generate: dump(out, 'generate') });
    await writeFile(join(ws.layers, 'order.toml'), `${orderToml([[{ id: 'bp', version: '0.0.1' }]])}\n${orderToml([[{ id: 'ext', version: '0.0.1' }]], 'order-extensions')}\n`);
    await writeFile(join(ws.layers, 'analyzed.toml'), `[run-image]\nreference = "registry.example/run@sha256:${'a'.repeat(64)}"\nimage = "registry.example/run"\n[run-image.target]\nos = "linux"\narch = "amd64"\n`);
    const d = await ws.run('detector', { env, args: [...ws.dirArgs, '-extensions', ws.extensions] });
    expect(d.code, d.stderr + d.stdout).toBe(0);
    const b = await ws.run('builder', { env, args: ws.dirArgs });
    expect(b.code, b.stderr + b.stdout).toBe(0);
    for (const m of ['detect', 'generate', 'build']) expectNoCredentials(await read(out, m), ['gen11-bearer-token', auth], `bin/${m}`);
  });
});

/** A busybox root file system for RUN (as in extender.spec.ts) and the base image as the restorer saves it. */
async function extendSetup(dir: string): Promise<{ root: string; kaniko: string; layers: string; digest: string }> {
  const root = join(dir, 'rootfs');
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile('/bin/busybox', join(root, 'bin', 'busybox'));
  for (const a of ['sh', 'env', 'cat']) await symlink('busybox', join(root, 'bin', a));
  await mkdir(join(root, 'tmp'), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: '1000:1000', Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: [`sha256:${'b'.repeat(64)}`] }, history: [{}] }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.byteLength },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'c'.repeat(64)}`, size: 1 }],
  }));
  const digest = sha(manifest);
  const kaniko = join(dir, 'kaniko');
  const layout = join(kaniko, 'cache', 'base', digest);
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(layout, 'blobs', 'sha256', sha(config).slice(7)), config);
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), manifest);
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.byteLength }] }));
  const layers = join(dir, 'layers');
  await mkdir(join(layers, 'generated', 'ext'), { recursive: true });
  await writeFile(join(layers, 'group.toml'), '[[group]]\nid = "bp"\nversion = "0.0.1"\napi = "0.12"\n[[group-extensions]]\nid = "ext"\nversion = "0.0.1"\napi = "0.12"\n');
  await writeFile(join(layers, 'plan.toml'), '');
  return { root, kaniko, layers, digest };
}

describe.skipIf(!isRoot || process.platform !== 'linux')('GEN-11 extender', () => {
  for (const kind of ['run', 'build'] as const) {
    it(`GEN-11 (kind ${kind}) RUN instructions${kind === 'build' ? ' and the following bin/build' : ''} never see the credentials`, async () => {
      const { dir, cleanup } = await makeTempDir('cnb-gen11-x-');
      try {
        await chmod(dir, 0o755);
        const x = await extendSetup(dir);
        const out = join(dir, 'out');
        for (const d of [out, join(dir, 'app'), join(dir, 'platform')]) await mkdir(d, { recursive: true });
        await chmod(out, 0o777);
        const buildpacks = join(dir, 'buildpacks');
        await writeBuildpack(buildpacks, { id: 'bp', build: dump(out, 'build') });
        const ref = `registry.example/${kind}@${x.digest}`;
        await writeFile(join(x.layers, 'analyzed.toml'), kind === 'run' ? `[run-image]\nreference = "${ref}"\nimage = "registry.example/run"\nextend = true\n` : `[build-image]\nreference = "${ref}"\n`);
        await writeFile(join(x.layers, 'generated', 'ext', `${kind}.Dockerfile`), `ARG base_image\nFROM \${base_image}\nARG build_id=0\nRUN env > /tmp/run.env\n`);
        const auth = JSON.stringify({ 'registry.example': 'Basic Z2VuMTEtZXh0ZW5kZXItc2VjcmV0' });
        const r = await runPhase('extender', {
          args: ['-kind', kind, '-layers', x.layers, '-app', join(dir, 'app'), '-platform', join(dir, 'platform'), '-buildpacks', buildpacks, '-uid', '1000', '-gid', '1000'],
          env: { CNB_EXTEND_ROOT_DIR: x.root, CNB_KANIKO_DIR: x.kaniko, CNB_REGISTRY_AUTH: auth, DOCKER_CONFIG: await dockerConfig(dir) },
        });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const secrets = [auth, 'Z2VuMTEtZXh0ZW5kZXItc2VjcmV0'];
        expectNoCredentials(await readFile(join(x.root, 'tmp', 'run.env'), 'utf8'), secrets, `${kind} RUN`);
        if (kind === 'build') expectNoCredentials(await read(out, 'build'), secrets, 'bin/build after extension');
      } finally {
        await cleanup();
      }
    });
  }
});
