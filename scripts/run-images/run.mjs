#!/usr/bin/env node
// Bundles scripts/run-images/cli.ts with esbuild (a dev dependency already in package.json) into
// .tmp/run-images/cli.cjs and runs it with the given arguments. See cli.ts for the usage.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, '.tmp', 'run-images', 'cli.cjs');
await build({
  entryPoints: [join(root, 'scripts', 'run-images', 'cli.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
