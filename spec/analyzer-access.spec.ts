/**
 * analyzer registry access (AN-06) and run image resolution (RI-01, RI-03, AN-07) with three real registries:
 * `app` (open; the app image's registry), `other` (open) and `locked` (htpasswd basic auth).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, putImage, readTomlFile, registryAuthEnv, runImage, runPhase, startSpecRegistry, type PhaseRun, type SpecRegistry } from './harness/index.js';

let app: SpecRegistry;
let other: SpecRegistry;
let locked: SpecRegistry;
const digests: Record<string, string> = {};
let dir: string;
let layers: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  [app, other, locked] = await Promise.all([startSpecRegistry(), startSpecRegistry(), startSpecRegistry({ auth: 'htpasswd' })]);
  // The same run image everywhere (FMT-12 [SHOULD]: mirrors have the same image ID); distinct digests per place do not matter.
  const img = await runImage();
  for (const [name, reg] of Object.entries({ app, other, locked })) digests[name] = (await putImage({ registry: reg }, reg.ref('run'), img)).digest;
});
afterAll(async () => Promise.all([app, other, locked].map((r) => r?.stop())));
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('cnb-an-acc-'));
  layers = join(dir, 'layers');
});
afterEach(async () => cleanup());

const analyzer = (args: string[], platformApi = '0.15', env: Record<string, string> = {}): Promise<PhaseRun> =>
  runPhase('analyzer', { args: ['-layers', layers, ...args], platformApi, env });
const analyzed = () => readTomlFile(join(layers, 'analyzed.toml'));
const runToml = (...images: Array<{ image: string; mirrors?: string[] }>) =>
  writeFile(join(dir, 'run.toml'), images.map((i) => `[[images]]\nimage = "${i.image}"\nmirrors = [${(i.mirrors ?? []).map((m) => `"${m}"`).join(', ')}]\n`).join('\n'));
const stackToml = (image: string, mirrors: string[] = []) =>
  writeFile(join(dir, 'stack.toml'), `[run-image]\nimage = "${image}"\nmirrors = [${mirrors.map((m) => `"${m}"`).join(', ')}]\n`);

describe('AN-06 registry access', () => {
  it('AN-06 no read access to the run image fails in 30–39 naming the image and the registry', async () => {
    const r = await analyzer(['-run-image', locked.ref('run'), app.ref('app')]);
    expect(r.code).toBeGreaterThanOrEqual(30);
    expect(r.code).toBeLessThanOrEqual(39);
    expect(r.stderr).toContain('read access');
    expect(r.stderr).toContain(locked.ref('run'));
    expect(r.stderr).toContain(locked.host);
  });

  it('AN-06/GEN-09 with CNB_REGISTRY_AUTH credentials the same run image is readable', async () => {
    const r = await analyzer(['-run-image', locked.ref('run'), app.ref('app')], '0.15', registryAuthEnv(locked));
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['reference']).toBe(`${locked.host}/run@${digests['locked']}`);
  });

  it('AN-06 no read access to the previous image (default: <image>) fails in 30–39', async () => {
    const r = await analyzer(['-run-image', app.ref('run'), locked.ref('app')]);
    expect(r.code).toBe(32);
    expect(r.stderr).toContain(`validating registry read access: failed to ensure registry read access to ${locked.ref('app')}`);
  });

  it('AN-06 no write access to <image> fails in 30–39 (the previous image elsewhere is readable)', async () => {
    const r = await analyzer(['-run-image', app.ref('run'), '-previous-image', app.ref('prev'), locked.ref('app')]);
    expect(r.code).toBe(32);
    expect(r.stderr).toContain(`validating registry write access: failed to ensure registry read/write access to ${locked.ref('app')}`);
  });

  it('AN-06 no write access to -tag fails in 30–39', async () => {
    const env = { CNB_REGISTRY_AUTH: JSON.stringify({ [locked.host]: 'Basic d3Jvbmc6d3Jvbmc=' }) }; // wrong credentials
    const r = await analyzer(['-run-image', app.ref('run'), '-previous-image', app.ref('prev'), '-tag', locked.ref('app', 'v2'), locked.ref('app')], '0.15', env);
    expect(r.code).toBe(32);
    expect(r.stderr).toContain('write access');
  });

  it('AN-06 no write access to -cache-image fails in 30–39 naming it', async () => {
    const r = await analyzer(['-run-image', app.ref('run'), '-cache-image', locked.ref('cache'), app.ref('app')]);
    expect(r.code).toBe(32);
    expect(r.stderr).toContain(`failed to ensure registry read/write access to ${locked.ref('cache')}`);
  });

  it('AN-06/AN-05 every image on the locked registry with credentials: exit 0', async () => {
    const r = await analyzer(['-run-image', locked.ref('run'), '-cache-image', locked.ref('cache'), '-tag', locked.ref('app', 'v2'), locked.ref('app')], '0.15', registryAuthEnv(locked));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('RI-01 run image resolution from run.toml (≥0.12)', () => {
  for (const api of ['0.12', '0.15']) {
    it(`RI-01 a mirror on the app image's registry wins over images[0].image (Platform ${api})`, async () => {
      await runToml({ image: other.ref('run'), mirrors: [app.ref('run')] });
      const r = await analyzer(['-run', join(dir, 'run.toml'), app.ref('app')], api);
      expect(r.code, r.stderr).toBe(0);
      const a = await analyzed();
      expect(a['run-image']['image']).toBe(app.ref('run'));
      expect(a['run-image']['reference']).toBe(`${app.host}/run@${digests['app']}`);
    });
  }

  it('RI-01 without a same-registry candidate the first readable one is used (unreadable image skipped)', async () => {
    await runToml({ image: locked.ref('run'), mirrors: [other.ref('run')] });
    const r = await analyzer(['-run', join(dir, 'run.toml'), app.ref('app')]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(other.ref('run'));
  });

  it('RI-01 the first candidate is used when it is readable (credentials given)', async () => {
    await runToml({ image: locked.ref('run'), mirrors: [other.ref('run')] });
    const r = await analyzer(['-run', join(dir, 'run.toml'), app.ref('app')], '0.15', registryAuthEnv(locked));
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(locked.ref('run'));
  });

  it('RI-01 a same-registry candidate that is not readable is skipped', async () => {
    await runToml({ image: locked.ref('run'), mirrors: [other.ref('run')] });
    const r = await analyzer(['-run', join(dir, 'run.toml'), locked.ref('app')], '0.15', { CNB_REGISTRY_AUTH: JSON.stringify({ [locked.host]: 'Basic d3Jvbmc6d3Jvbmc=' }) });
    // run image resolved to other (readable); then the app image on locked fails its access check (AN-06)
    expect(r.code).toBe(32);
    expect(r.stderr).not.toContain('failed to find accessible run image');
  });

  it('RI-01 [REF] only images[0] is considered: no readable candidate there → "failed to find accessible run image"', async () => {
    await runToml({ image: locked.ref('run') }, { image: other.ref('run') });
    const r = await analyzer(['-run', join(dir, 'run.toml'), app.ref('app')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('failed to find accessible run image');
  });

  it('AN-07/GEN-01 -run-image wins over run.toml', async () => {
    await runToml({ image: other.ref('run') });
    const r = await analyzer(['-run', join(dir, 'run.toml'), '-run-image', app.ref('run'), app.ref('app')]);
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(app.ref('run'));
  });

  it('AN-07 CNB_RUN_PATH points at run.toml', async () => {
    await runToml({ image: other.ref('run') });
    const r = await analyzer([app.ref('app')], '0.15', { CNB_RUN_PATH: join(dir, 'run.toml') });
    expect(r.code, r.stderr).toBe(0);
    expect((await analyzed())['run-image']['image']).toBe(other.ref('run'));
  });
});

describe('RI-03 run image resolution from stack.toml (<0.12)', () => {
  for (const api of ['0.7', '0.11']) {
    it(`RI-03 the stack.toml mirror on the app image's registry is used (Platform ${api})`, async () => {
      await stackToml(other.ref('run'), [app.ref('run')]);
      const r = await analyzer(['-stack', join(dir, 'stack.toml'), app.ref('app')], api);
      expect(r.code, r.stderr).toBe(0);
      const a = await analyzed();
      expect(a['run-image']).toEqual({ reference: `${app.host}/run@${digests['app']}` });
    });

    it(`RI-03 otherwise stack.toml [run-image].image is used (Platform ${api})`, async () => {
      await stackToml(other.ref('run'), []);
      const r = await analyzer([app.ref('app')], api, { CNB_STACK_PATH: join(dir, 'stack.toml') });
      expect(r.code, r.stderr).toBe(0);
      expect((await analyzed())['run-image']['reference']).toBe(`${other.host}/run@${digests['other']}`);
    });
  }

  it('RI-03 below 0.12 stack.toml candidates are not access-checked; the unreadable run image then fails AN-06 (32)', async () => {
    await stackToml(locked.ref('run'), [other.ref('run')]);
    const r = await analyzer(['-stack', join(dir, 'stack.toml'), app.ref('app')], '0.11');
    expect(r.code).toBe(32);
    expect(r.stderr).toContain(locked.ref('run'));
  });
});
