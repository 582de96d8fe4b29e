import { describe, expect, it } from 'vitest';
import { compose, schemeInterceptor } from '../../../src/http/index.js';
import { fakeTransport, netError } from './fake-transport.js';

/** A server that only speaks plain HTTP: HTTPS attempts fail as a TLS client sees it. */
const plainOnly = () => fakeTransport((req) => (req.url.startsWith('https:') ? netError('ERR_SSL_WRONG_VERSION_NUMBER') : { status: 200 }));

describe('schemeInterceptor (GEN-05 insecure registries)', () => {
  it('falls back to plain HTTP for an insecure host, once, and remembers it', async () => {
    const base = plainOnly();
    const t = compose(base, schemeInterceptor({ insecure: (h) => h === 'reg.example:5000' }));
    await t({ method: 'GET', url: 'https://reg.example:5000/v2/' });
    await t({ method: 'GET', url: 'https://reg.example:5000/v2/a/manifests/x' });
    expect(base.seen.map((s) => s.req.url)).toEqual(['https://reg.example:5000/v2/', 'http://reg.example:5000/v2/', 'http://reg.example:5000/v2/a/manifests/x']);
  });

  it('treats localhost and 127.0.0.1 like REF does (HTTPS first, then HTTP)', async () => {
    const base = plainOnly();
    const t = compose(base, schemeInterceptor({ insecure: () => false }));
    await t({ method: 'GET', url: 'https://127.0.0.1:5000/v2/' });
    await t({ method: 'GET', url: 'https://localhost:5000/v2/' });
    expect(base.seen.map((s) => s.req.url.split(':')[0])).toEqual(['https', 'http', 'https', 'http']);
  });

  it('never downgrades a secure host, nor a certificate failure', async () => {
    const t1 = compose(plainOnly(), schemeInterceptor({ insecure: () => false }));
    await expect(t1({ method: 'GET', url: 'https://reg.example/v2/' })).rejects.toThrow(/WRONG_VERSION/);
    const certBad = fakeTransport(() => netError('DEPTH_ZERO_SELF_SIGNED_CERT'));
    const t2 = compose(certBad, schemeInterceptor({ insecure: () => false }));
    await expect(t2({ method: 'GET', url: 'https://127.0.0.1:5000/v2/' })).rejects.toThrow(/SELF_SIGNED/);
    expect(certBad.seen).toHaveLength(1);
  });
});
