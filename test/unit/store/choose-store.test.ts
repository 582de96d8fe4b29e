import { describe, expect, it } from 'vitest';
import { DaemonStore } from '../../../src/daemon/index.js';
import type { ImageStore } from '../../../src/image/index.js';
import { chooseImageStore, type StoreFactories } from '../../../src/store/index.js';

function recording() {
  const calls: Array<[string, unknown]> = [];
  const store = (kind: ImageStore['kind']): ImageStore => ({ kind, image: async () => undefined, exists: async () => false, write: async () => { throw new Error('unused'); } });
  const factories: StoreFactories = {
    registry: (o) => (calls.push(['registry', o]), store('registry')),
    layout: (o) => (calls.push(['layout', o]), store('layout')),
    daemon: (o) => (calls.push(['daemon', o]), store('daemon')),
  };
  return { calls, factories };
}

describe('chooseImageStore', () => {
  it('layout with a layout dir wins, even over -daemon ([REF] image handler order)', () => {
    const { calls, factories } = recording();
    expect(chooseImageStore({ layout: true, layoutDir: '/layout', daemon: true }, factories).kind).toBe('layout');
    expect(calls).toEqual([['layout', { dir: '/layout' }]]);
  });

  it('layout without a directory is an input error', () => {
    const { factories } = recording();
    expect(() => chooseImageStore({ layout: true, daemon: false }, factories)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGS' }));
  });

  it('-daemon gives the daemon store with DOCKER_HOST and the launch cache', () => {
    const { calls, factories } = recording();
    expect(chooseImageStore({ layout: false, daemon: true, dockerHost: 'unix:///x.sock', launchCacheDir: '/launch-cache' }, factories).kind).toBe('daemon');
    expect(calls[0]).toEqual(['daemon', expect.objectContaining({ dockerHost: 'unix:///x.sock', launchCacheDir: '/launch-cache' })]);
  });

  it('otherwise the registry store, with the keychain and insecure registries (anonymous keychain by default)', async () => {
    const { calls, factories } = recording();
    const keychain = { resolve: async () => ({ authorization: async () => ({ username: 'u' }) }) };
    chooseImageStore({ layout: false, daemon: false, keychain, insecureRegistries: ['127.0.0.1:5000'] }, factories);
    expect(calls[0]).toEqual(['registry', expect.objectContaining({ keychain, insecureRegistries: ['127.0.0.1:5000'] })]);
    chooseImageStore({ layout: false, daemon: false }, factories);
    const anon = (calls[1]![1] as { keychain: typeof keychain }).keychain;
    expect(await (await anon.resolve()).authorization()).toEqual({});
  });

  it('the default factories build real stores without I/O', async () => {
    const daemon = chooseImageStore({ layout: false, daemon: true, dockerHost: 'unix:///nonexistent/docker.sock' });
    expect(daemon).toBeInstanceOf(DaemonStore);
    await daemon.close?.();
    const registry = chooseImageStore({ layout: false, daemon: false });
    expect(registry.kind).toBe('registry');
    await registry.close?.();
  });
});
