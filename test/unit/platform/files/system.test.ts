import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSystem, readSystem } from '../../../../src/platform/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'system-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('system.toml (FMT-SYSTEM, DT-02)', () => {
  it('FMT-02 reads pre and post buildpacks; a missing file is empty', async () => {
    const file = join(dir, 'system.toml');
    await writeFile(file, '[[system.pre.buildpacks]]\nid = "p"\nversion = "1"\noptional = true\n[[system.post.buildpacks]]\nid = "q"\nversion = "2"\n');
    expect(await readSystem(file)).toEqual({
      pre: [{ id: 'p', version: '1', optional: true }],
      post: [{ id: 'q', version: '2', optional: false }],
      exists: true,
    });
    expect(await readSystem(join(dir, 'none.toml'))).toEqual({ pre: [], post: [], exists: false });
  });

  it('DT-02/ERRATA-10 pre at the start, post at the end of every group, required, not duplicated', () => {
    const a = { id: 'a', version: '1', optional: false };
    const p = { id: 'p', version: '1', optional: true };
    const q = { id: 'q', version: '1', optional: false };
    expect(mergeSystem([[a], [a, { ...q, version: '9' }]], { pre: [p], post: [q] })).toEqual([
      [{ ...p, optional: false }, a, q],
      [{ ...p, optional: false }, a, { ...q, version: '9' }],
    ]);
  });
});
