import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

/** A fresh temp directory removed after the current test (register with `useTmpDirs()` once per file). */
export async function tmpDir(prefix = 'cnb-test-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  created.push(d);
  return d;
}

/** Registers the afterEach hook that removes every tmpDir of the test. */
export function useTmpDirs(): void {
  afterEach(async () => {
    const dirs = created.splice(0);
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
}
