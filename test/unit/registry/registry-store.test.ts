import { describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../../src/http/index.js';
import { MediaTypes, encodeJson, sha256Digest } from '../../../src/oci/index.js';
import { collect } from '../../../src/stream/index.js';
import { parseRef } from '../../../src/ref/index.js';
import { getBlob, getManifest, putManifest, RegistryCounters, RegistryStore, uploadBlob } from '../../../src/registry/index.js';
import { MemoryImage } from '../../helpers/memory-image.js';
import { miniRegistry } from './mini-registry.js';

const policy = defaultRetryPolicy({ sleep: async () => undefined });
const netError = (code: string) => Object.assign(new Error(code), { code });

function storeOn(reg: ReturnType<typeof miniRegistry>, counters?: RegistryCounters) {
  return new RegistryStore({ transport: reg.transport, retryPolicy: policy, events: counters?.hook });
}

describe('RegistryStore.write', () => {
  it('uploads at most 4 blobs at once and each digest once, even for concurrent writes', async () => {
    const reg = miniRegistry();
    const counters = new RegistryCounters();
    const store = storeOn(reg, counters);
    const img = await MemoryImage.random(10, 1000);
    const [a, b] = await Promise.all([store.write(img, ['r.io/app:1']), store.write(img, ['r.io/app:2'])]);
    expect(a.digest).toBe(b.digest);
    expect(reg.maxInFlightPatches).toBeLessThanOrEqual(4);
    expect(reg.maxInFlightPatches).toBeGreaterThan(1);
    expect(counters.get('upload')).toBe(11);
    expect(reg.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(11);
  });

  it('puts layers, then the config, then the manifest (DESIGN §6.7 order)', async () => {
    const reg = miniRegistry();
    const img = await MemoryImage.random(2, 100);
    await storeOn(reg).write(img, ['r.io/app:1']);
    const cfg = (await img.manifest()).config.digest;
    const puts = reg.log.filter((l) => l.startsWith('PUT'));
    expect(puts.at(-1)).toBe('PUT /v2/app/manifests/1');
    expect(puts.at(-2)).toContain(`digest=${cfg.replace(':', '%3A')}`);
  });

  it('restarts a whole upload session when the streaming PATCH dies, checking first that the blob is still missing', async () => {
    const reg = miniRegistry();
    let fail = 1;
    const original = reg.transport;
    reg.transport = async (req, s) => {
      if (req.method === 'PATCH' && fail-- > 0) throw netError('ECONNRESET');
      return original(req, s);
    };
    const counters = new RegistryCounters();
    const img = await MemoryImage.random(1, 100);
    const layer = (await img.layers())[0]!;
    const c = storeOn(reg, counters).client(parseRef('r.io/app'), ['repository:app:pull,push']);
    await uploadBlob(c, { digest: await layer.digest(), size: await layer.size(), open: () => layer.compressed() }, { policy });
    expect(reg.log.map((l) => l.split(' ')[0])).toEqual(['POST', 'HEAD', 'POST', 'PATCH', 'PUT']);
    expect(counters.get('upload-attempt')).toBe(2);
    expect(reg.blobs.has(`app@${await layer.digest()}`)).toBe(true);
  });

  it('rejects a blob PUT whose Docker-Content-Digest differs, and a manifest PUT likewise', async () => {
    const reg = miniRegistry();
    reg.hook = (req, res) => {
      if (req.method === 'PUT') res.headers['docker-content-digest'] = sha256Digest('other');
    };
    const store = storeOn(reg);
    await expect(store.write(await MemoryImage.random(1, 10), ['r.io/app:1'])).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('registry reports digest') });
    const c = store.client(parseRef('r.io/app'), ['repository:app:push']);
    await expect(putManifest(c, 'x', Buffer.from('{}'), MediaTypes.ociManifest)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
  });

  it('refuses refs on several registries', async () => {
    await expect(storeOn(miniRegistry()).write(await MemoryImage.random(1, 10), ['a.io/x', 'b.io/x'])).rejects.toThrow('writing to multiple registries is unsupported');
  });
});

describe('verified reads', () => {
  it('fails a blob whose bytes do not match its digest (ERR_DIGEST at EOF)', async () => {
    const reg = miniRegistry();
    const store = storeOn(reg);
    const img = await MemoryImage.random(1, 100);
    await store.write(img, ['r.io/app:1']);
    reg.hook = (req, res) => {
      if (req.method === 'GET' && req.url.includes('/blobs/')) res.body = Buffer.concat([res.body.subarray(0, -1), Buffer.from([res.body.at(-1)! ^ 1])]);
    };
    const d = (await img.manifest()).layers[0]!;
    const c = store.client(parseRef('r.io/app'));
    await expect(collect(await getBlob(c, d))).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining(`blob ${d.digest} from r.io/app`) });
    reg.hook = undefined;
    const remote = await store.image('r.io/app:1');
    expect(sha256Digest(await collect(await (await remote!.layers())[0]!.uncompressed()))).toBe(await (await img.layers())[0]!.diffId());
  });

  it('checks manifest digests: by-digest reference, Docker-Content-Digest, media type', async () => {
    const reg = miniRegistry();
    const store = storeOn(reg);
    const img = await MemoryImage.random(1, 10);
    const { digest } = await store.write(img, ['r.io/app:1']);
    const c = store.client(parseRef('r.io/app'));
    expect((await getManifest(c, digest!))?.digest).toBe(digest);
    reg.hook = (_r, res) => void (res.headers['docker-content-digest'] = sha256Digest('x'));
    await expect(getManifest(c, '1')).rejects.toMatchObject({ code: 'ERR_DIGEST', message: expect.stringContaining('registry reports digest') });
    reg.hook = (_r, res) => void (res.body = Buffer.from(`${res.body.toString()} `), delete res.headers['docker-content-digest']);
    await expect(getManifest(c, digest!)).rejects.toMatchObject({ code: 'ERR_DIGEST' });
    reg.hook = (_r, res) => void ((res.body = encodeJson({ schemaVersion: 1, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' })), delete res.headers['docker-content-digest']);
    await expect(getManifest(c, '1')).rejects.toMatchObject({ code: 'ERR_IMAGE', message: expect.stringContaining("unsupported media type 'application/vnd.docker.distribution.manifest.v1+prettyjws'") });
    reg.hook = (_r, res) => void ((res.status = 401), (res.body = encodeJson({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] })));
    await expect(store.image('r.io/app:1')).rejects.toMatchObject({ code: 'ERR_AUTH', message: 'registry r.io: get manifest 1: GET /v2/app/manifests/1 returned 401 UNAUTHORIZED: authentication required' });
  });
});
