import { describe, expect, it } from 'vitest';
import {
  formatRef,
  isLocalRegistry,
  isValidRef,
  parseInsecureRegistries,
  parseRef,
  refIdentifier,
  registryApiHost,
  repoName,
  sameRegistry,
  withDigest,
} from '../../../src/ref/index.js';
import { sha256Digest } from '../../../src/oci/index.js';

const D = sha256Digest('manifest');

describe('parseRef', () => {
  it.each([
    ['busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', { registry: 'docker.io', repository: 'library/busybox', tag: '1.36' }],
    ['paketo/run:base', { registry: 'docker.io', repository: 'paketo/run', tag: 'base' }],
    ['docker.io/busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['index.docker.io/library/busybox:x', { registry: 'docker.io', repository: 'library/busybox', tag: 'x' }],
    ['registry-1.docker.io/a/b', { registry: 'docker.io', repository: 'a/b', tag: 'latest' }],
    ['gcr.io/project/app', { registry: 'gcr.io', repository: 'project/app', tag: 'latest' }],
    ['GCR.io/project/app', { registry: 'gcr.io', repository: 'project/app', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/app:v1', { registry: 'localhost:5000', repository: 'app', tag: 'v1' }],
    ['127.0.0.1:5000/a/b/c:t', { registry: '127.0.0.1:5000', repository: 'a/b/c', tag: 't' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app', tag: 'latest' }],
    ['my-reg.example.com:443/a.b/c_d/e__f/g-h--i', { registry: 'my-reg.example.com:443', repository: 'a.b/c_d/e__f/g-h--i', tag: 'latest' }],
    [`reg.io/app@${D}`, { registry: 'reg.io', repository: 'app', digest: D }],
    [`reg.io/app:v1@${D}`, { registry: 'reg.io', repository: 'app', tag: 'v1', digest: D }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ])('%s', (text, want) => {
    expect(parseRef(text)).toEqual(want);
  });

  it.each([
    ['', /empty reference/],
    [' app', /whitespace/],
    ['App', /repository name must be lowercase/],
    ['reg.io/App/x', /repository name must be lowercase/],
    ['reg.io//x', /empty repository path component/],
    ['reg.io/x/', /empty repository path component/],
    ['app:', /invalid tag ''/],
    ['app:-bad', /invalid tag '-bad'/],
    [`app:${'t'.repeat(129)}`, /invalid tag/],
    ['app@sha256:abc', /invalid digest 'sha256:abc'/],
    ['app@md5:0123', /invalid digest/],
    ['bad_host.io:99999/app', /invalid registry/],
    ['-bad.io/app', /invalid registry host/],
    ['a/-b', /invalid repository component '-b'/],
    [`reg.io/${'a'.repeat(260)}`, /longer than 255/],
  ])('rejects %j with ERR_IMAGE_REF naming the reference', (text, why) => {
    let err: unknown;
    try {
      parseRef(text);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR_IMAGE_REF' });
    expect((err as Error).message).toContain(`invalid image reference '${text}'`);
    expect((err as Error).message).toMatch(why);
    expect(isValidRef(text)).toBe(false);
  });
});

describe('reference helpers', () => {
  it('formats, identifies and rewrites references', () => {
    const r = parseRef('busybox');
    expect(formatRef(r)).toBe('docker.io/library/busybox:latest');
    expect(repoName(r)).toBe('docker.io/library/busybox');
    expect(refIdentifier(r)).toBe('latest');
    const d = withDigest(r, D);
    expect(formatRef(d)).toBe(`docker.io/library/busybox@${D}`);
    expect(refIdentifier(parseRef(`x.io/a:t@${D}`))).toBe(D);
    expect(registryApiHost('docker.io')).toBe('index.docker.io');
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(sameRegistry(parseRef('index.docker.io/a/b'), parseRef('c/d'))).toBe(true);
    expect(sameRegistry(parseRef('gcr.io/a/b'), parseRef('c/d'))).toBe(false);
  });

  it('knows local registries (REF tries plain HTTP for them)', () => {
    for (const h of ['localhost', 'localhost:5000', '127.0.0.1:5000', '10.1.2.3', '172.16.0.1:80', '192.168.1.1', 'reg.local:5000', '[::1]:5000']) {
      expect(isLocalRegistry(h)).toBe(true);
    }
    for (const h of ['gcr.io', '172.32.0.1', '8.8.8.8:5000', 'docker.io', 'localhost.example.com']) expect(isLocalRegistry(h)).toBe(false);
  });

  it('parses CNB_INSECURE_REGISTRIES and repeated -insecure-registry values (GEN-05)', () => {
    expect(parseInsecureRegistries('a.io, b.io:5000,,https://C.io/v2/')).toEqual(['a.io', 'b.io:5000', 'c.io']);
    expect(parseInsecureRegistries(['a.io', 'index.docker.io', 'a.io'])).toEqual(['a.io', 'docker.io']);
    expect(parseInsecureRegistries(undefined)).toEqual([]);
  });
});
