import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionApp } from '../../../../src/phase/exporter/slices.js';
import { tmpDir, useTmpDirs } from '../../../helpers/tmpdir.js';

useTmpDirs();

async function app(): Promise<string> {
  const dir = await tmpDir();
  for (const f of ['a.js', 'b.txt', 'static/x.css', 'static/y/z.css', 'lib/m.js']) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), f);
  }
  return dir;
}

describe('partitionApp (LY-21, LY-22)', () => {
  it('claims matched files and whole matched directories, in slice order, once; the rest keeps everything else', async () => {
    const dir = await app();
    const { partition } = partitionApp(dir, [{ paths: ['static'] }, { paths: ['*.js', 'lib/*.js'] }, { paths: ['static/x.css'] }]);
    expect(partition.slices[0]).toEqual(['', 'static', 'static/x.css', 'static/y', 'static/y/z.css']);
    expect(partition.slices[1]).toEqual(['', 'a.js', 'lib', 'lib/m.js']);
    expect(partition.slices[2]).toEqual(['']); // already claimed: an empty layer
    expect(partition.rest).toEqual(['', 'b.txt', 'lib']);
  });

  it('without slices everything is in the rest', async () => {
    const dir = await app();
    const { partition } = partitionApp(dir, []);
    expect(partition.rest).toHaveLength(9);
  });

  it('ignores patterns leaving the app dir', async () => {
    const dir = await app();
    const { partition } = partitionApp(dir, [{ paths: ['../*'] }]);
    expect(partition.slices[0]).toEqual(['']);
  });
});
