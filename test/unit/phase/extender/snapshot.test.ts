import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffEntries, diffSnapshots, takeSnapshot } from '../../../../src/phase/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'snap-'));
  await mkdir(join(root, 'etc', 'sub'), { recursive: true });
  await writeFile(join(root, 'etc', 'keep'), 'k');
  await writeFile(join(root, 'etc', 'gone'), 'g');
  await writeFile(join(root, 'etc', 'sub', 'f'), 'f');
  await mkdir(join(root, 'proc'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('snapshot diff', () => {
  it('new and changed entries with their parents; one whiteout per deleted top; ignored paths never appear', async () => {
    const ignore = new Set(['/proc']);
    const before = takeSnapshot(root, ignore);
    await writeFile(join(root, 'etc', 'keep'), 'changed');
    await mkdir(join(root, 'opt', 'a'), { recursive: true });
    await writeFile(join(root, 'opt', 'a', 'new'), 'n');
    await rm(join(root, 'etc', 'gone'));
    await rm(join(root, 'etc', 'sub'), { recursive: true });
    await writeFile(join(root, 'proc', 'x'), 'x');
    const diff = diffSnapshots(before, takeSnapshot(root, ignore));
    expect(diff.changed).toEqual(['/etc', '/etc/keep', '/opt', '/opt/a', '/opt/a/new']);
    expect(diff.deleted).toEqual(['/etc/gone', '/etc/sub']);
    const entries = [...diffEntries(root, diff)];
    expect(entries.map((e) => e.path)).toEqual(['/etc', '/etc/.wh.gone', '/etc/.wh.sub', '/etc/keep', '/opt', '/opt/a', '/opt/a/new']);
    expect(entries.find((e) => e.path === '/etc/keep')?.source).toBe(join(root, 'etc', 'keep'));
    expect(await readFile(join(root, 'etc', 'keep'), 'utf8')).toBe('changed');
  });

  it('no change, no diff', () => {
    const s = takeSnapshot(root, new Set());
    const d = diffSnapshots(s, takeSnapshot(root, new Set()));
    expect(d).toEqual({ changed: [], deleted: [] });
  });
});
