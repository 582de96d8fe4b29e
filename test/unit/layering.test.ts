import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
// @ts-expect-error: plain ESM script without types
import { checkDeps } from '../../scripts/check-deps.mjs';

describe('DESIGN §6.5 layering', () => {
  it('every src/ import goes down the ranks, through index.ts', () => {
    expect(checkDeps(join(import.meta.dirname, '..', '..'))).toEqual([]);
  });
});
