#!/usr/bin/env node
// Regenerates the flag tables in README.md (between the flag-tables markers) from the phase commands.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.tmp', 'flag-tables.cjs');
mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(root, 'scripts', 'flag-tables-entry.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
});
const tables = execFileSync('node', [out], { encoding: 'utf8' });
const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = '<!-- flag-tables:start -->';
const end = '<!-- flag-tables:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md has no flag-tables markers');
writeFileSync(readme, `${text.slice(0, a + start.length)}\n${tables}\n${text.slice(b)}`);
console.log('README.md flag tables updated');
