import { describe, expect, it } from 'vitest';
import { layoutPath } from '../../../src/layout/index.js';

describe('layoutPath (FMT-25)', () => {
  it('tag reference → <layout-dir>/<registry>/<repo>/<image>/<tag>', () => {
    expect(layoutPath('/layout', 'my-registry.io:5000/team/app:v1')).toBe('/layout/my-registry.io:5000/team/app/v1');
    expect(layoutPath('/layout', 'localhost/app')).toBe('/layout/localhost/app/latest');
  });
  it('digest reference → .../<image>/<algorithm>/<hex> (the digest wins over a tag)', () => {
    const hex = 'a'.repeat(64);
    expect(layoutPath('/l', `reg.io/ns/img@sha256:${hex}`)).toBe(`/l/reg.io/ns/img/sha256/${hex}`);
    expect(layoutPath('/l', `reg.io/ns/img:tag@sha256:${hex}`)).toBe(`/l/reg.io/ns/img/sha256/${hex}`);
  });
  it('Docker Hub names map as [REF] does (index.docker.io, library/)', () => {
    expect(layoutPath('/l', 'ubuntu:22.04')).toBe('/l/index.docker.io/library/ubuntu/22.04');
    expect(layoutPath('/l', 'docker.io/paketo/run')).toBe('/l/index.docker.io/paketo/run/latest');
  });
  it('rejects invalid references', () => {
    expect(() => layoutPath('/l', 'UPPER/case')).toThrow();
  });
});
