import { describe, expect, it } from 'vitest';
import { LifecycleError } from '../../../../src/errors/index.js';
import { ensureRegistryAccess } from '../../../../src/phase/index.js';

// A fake only to observe order and inject denials; the real registry checks are covered in spec/analyzer-access.spec.ts.
function fake(denyRead: string[] = [], denyWrite: string[] = []) {
  const calls: string[] = [];
  return {
    calls,
    checkReadAccess: async (ref: unknown) => {
      calls.push(`r:${String(ref)}`);
      if (denyRead.includes(String(ref))) throw new LifecycleError('ERR_AUTH', `no read access to ${String(ref)}`);
    },
    checkWriteAccess: async (ref: unknown) => {
      calls.push(`w:${String(ref)}`);
      if (denyWrite.includes(String(ref))) throw new LifecycleError('ERR_AUTH', `no write access to ${String(ref)}`);
    },
  };
}

describe('ensureRegistryAccess (AN-06)', () => {
  it('checks reads, then writes, skipping empty entries', async () => {
    const f = fake();
    await ensureRegistryAccess(f, { read: ['p', undefined, 'r'], write: ['', 'c', 'i'] }, 'ERR_ANALYZE');
    expect(f.calls).toEqual(['r:p', 'r:r', 'w:c', 'w:i']);
  });

  it('a denial throws the given phase code with REF wording', async () => {
    await expect(ensureRegistryAccess(fake(['r']), { read: ['p', 'r'], write: ['i'] }, 'ERR_ANALYZE')).rejects.toMatchObject({
      code: 'ERR_ANALYZE',
      message: expect.stringContaining('validating registry read access: failed to ensure registry read access to r'),
    });
    await expect(ensureRegistryAccess(fake([], ['i']), { read: [], write: ['i'] }, 'ERR_EXPORT')).rejects.toMatchObject({
      code: 'ERR_EXPORT',
      message: expect.stringContaining('validating registry write access: failed to ensure registry read/write access to i'),
    });
  });
});
