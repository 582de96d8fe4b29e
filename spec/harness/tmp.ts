import { chown, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory; removed by the returned `cleanup`. */
export async function makeTempDir(prefix = 'cnb-spec-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Recursively chowns `path` (for phases run as a non-root test user). */
export async function chownR(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  const s = await stat(path);
  if (!s.isDirectory()) return;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) await chownR(p, uid, gid);
    else await chown(p, uid, gid);
  }
}
