/**
 * runMain (src/cli/run-main.ts): the exit code comes from main's result; a main that throws exits 1; a main
 * whose promise can never settle (event loop empty) must not exit 0 silently.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'run-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = resolve('src/cli/run-main.ts');

/** Bundles a tiny entry that calls runMain with `body` as main, runs it with node, returns status and stderr. */
function run(name: string, body: string): { status: number | null; stderr: string } {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, `import { runMain } from ${JSON.stringify(src)};\nrunMain(${body});\n`);
  const out = join(dir, `${name}.cjs`);
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'silent' });
  const r = spawnSync(process.execPath, [out], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('runMain', () => {
  it('exits with the code main resolves to', () => {
    expect(run('ok', 'async () => 0')).toEqual({ status: 0, stderr: '' });
    expect(run('code', 'async () => 62').status).toBe(62);
  });

  it('exits 1 with the error when main rejects', () => {
    const r = run('throws', "async () => { throw new Error('boom'); }");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Error: boom/);
  });

  it('a main that can never settle exits 1 with one ERROR line, never 0', () => {
    const r = run('hangs', 'async () => { await new Promise(() => undefined); return 0; }');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: failed to complete: the lifecycle stopped with work still pending/);
  });
});
