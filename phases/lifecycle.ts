import { basename } from 'node:path';
import { LIFECYCLE_VERSION, runCommand, runMain } from '../src/cli/index.js';
import { PHASES, VERBS } from './registry.js';

/** Picks the phase from basename(argv[0]) (".exe" stripped), else from a first-argument verb or phase name. */
function choose(argv0: string, args: string[]): { phase?: string; rest: string[] } {
  const self = basename(argv0).replace(/\.(exe|cmd|bat|cjs|js|mjs)$/i, '');
  if (PHASES[self] || Object.values(VERBS).includes(self)) return { phase: self, rest: args };
  const first = args[0];
  if (first !== undefined) {
    const phase = VERBS[first] ?? (Object.values(VERBS).includes(first) || first === 'launcher' ? first : undefined);
    if (phase) return { phase, rest: args.slice(1) };
  }
  return { rest: args };
}

async function main(): Promise<number> {
  const argv0 = process.env['CNB_LIFECYCLE_ARGV0'] ?? process.argv[1] ?? 'lifecycle';
  const { phase, rest } = choose(argv0, process.argv.slice(2));
  if (!phase) {
    if (rest[0] === '-version' || rest[0] === '--version' || rest[0] === 'version') {
      process.stdout.write(`${LIFECYCLE_VERSION}\n`);
      return 0;
    }
    process.stderr.write(
      `ERROR: unknown phase '${rest[0] ?? ''}'; usage: lifecycle <${Object.keys(VERBS).join('|')}> [flags] (or invoke as /cnb/lifecycle/<phase>)\n`,
    );
    return 3;
  }
  const load = PHASES[phase];
  if (!load) {
    process.stderr.write(`ERROR: failed to run ${phase}: this phase is not available in this build of the lifecycle\n`);
    return 1;
  }
  return runCommand(await load(), rest, process.env);
}

runMain(main);
