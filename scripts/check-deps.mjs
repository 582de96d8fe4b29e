#!/usr/bin/env node
// DESIGN §6.5 layering rule: a src/ folder imports only lower-ranked folders, and only through their
// index.ts; peers (registry, layout, daemon) never import each other; phase never imports cli or touches
// process.env / process.exit; the launch folder (TypeScript side of the launcher) stays small in reach.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RANKS = {
  errors: 0, oci: 1, ref: 2, stream: 3, sys: 4, archive: 5, image: 6, layer: 7, auth: 8, http: 9,
  registry: 10, layout: 10, daemon: 10, store: 11, cache: 12, platform: 13, env: 14, buildpack: 15,
  launch: 16, phase: 17, cli: 18,
};

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Returns a list of violations (strings); empty when the tree follows the rule. */
export function checkDeps(root) {
  const src = join(root, 'src');
  const problems = [];
  for (const file of walk(src)) {
    const from = relative(src, file).split(sep)[0];
    const fromRank = RANKS[from];
    if (fromRank === undefined) {
      problems.push(`${relative(root, file)}: folder src/${from} has no rank in DESIGN §6.5`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    if (from === 'phase' && /process\.(env|exit)\b/.test(text)) problems.push(`${relative(root, file)}: phase code touches process.env or process.exit`);
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]);
      const rel = relative(src, target).split(sep);
      if (rel[0] === '..' ) continue;
      const to = rel[0];
      if (to === from) continue;
      const toRank = RANKS[to];
      const where = `${relative(root, file)} -> src/${rel.join('/')}`;
      if (toRank === undefined) problems.push(`${where}: unknown folder`);
      else if (toRank > fromRank || (toRank === fromRank && to !== from)) problems.push(`${where}: rank ${fromRank} may not import rank ${toRank}`);
      else if (!(rel.length === 2 && /^index\.(js|ts)$/.test(rel[1]))) problems.push(`${where}: import through src/${to}/index.ts`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = checkDeps(root);
  for (const p of problems) console.error(p);
  console.log(problems.length === 0 ? 'layering: ok' : `layering: ${problems.length} violation(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
