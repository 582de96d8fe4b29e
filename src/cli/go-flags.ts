import { Parser } from 'yargs/helpers';
import { LifecycleError } from '../errors/index.js';
import { parseGoBool, type FlagSpec, type ParsedArgs } from '../platform/index.js';

const BUILTIN: FlagSpec[] = [
  { name: 'version', kind: 'bool' },
  { name: 'help', kind: 'bool' },
  { name: 'h', kind: 'bool' },
];

function flagName(token: string): string | undefined {
  const m = /^--?([^-=][^=]*)(?:=.*)?$/.exec(token);
  return m ? m[1] : undefined;
}

/**
 * GEN-02: parses argv like Go's `flag` package, on yargs' parser: `-name v`, `--name v`, `-name=v`;
 * booleans as `-daemon` or `-daemon=false` (a following `false` is positional); repeatable string lists;
 * parsing stops at the first positional or `--`; an unknown flag is ERR_FLAG (exit 2).
 */
export function parseGoFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const all = [...BUILTIN, ...specs];
  const byName = new Map(all.map((s) => [s.name, s]));
  const flagTokens: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    const name = tok.startsWith('-') && tok !== '-' ? flagName(tok) : undefined;
    if (name === undefined) {
      rest = argv.slice(i);
      break;
    }
    const spec = byName.get(name);
    if (!spec) throw new LifecycleError('ERR_FLAG', `flag provided but not defined: -${name}`);
    const hasValue = tok.includes('=');
    if (spec.kind === 'bool') {
      const raw = hasValue ? tok.slice(tok.indexOf('=') + 1) : 'true';
      const b = parseGoBool(raw);
      if (b === undefined) throw new LifecycleError('ERR_FLAG', `invalid boolean value "${raw}" for -${name}`);
      flagTokens.push(`--${name}=${b}`);
    } else if (hasValue) {
      flagTokens.push(`--${name}=${tok.slice(tok.indexOf('=') + 1)}`);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new LifecycleError('ERR_FLAG', `flag needs an argument: -${name}`);
      flagTokens.push(`--${name}=${next}`);
      i++;
    }
  }
  const parsed = Parser(flagTokens, {
    configuration: {
      'short-option-groups': false,
      'camel-case-expansion': false,
      'dot-notation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': true,
      'boolean-negation': false,
    },
    boolean: all.filter((s) => s.kind === 'bool').map((s) => s.name),
    string: all.filter((s) => s.kind !== 'bool').map((s) => s.name),
    array: all.filter((s) => s.kind === 'strings').map((s) => s.name),
  });
  const values = new Map<string, string | boolean | string[]>();
  for (const spec of specs) {
    const v = (parsed as Record<string, unknown>)[spec.name];
    if (v === undefined) continue;
    if (spec.kind === 'strings') values.set(spec.name, (Array.isArray(v) ? v : [v]).map(String));
    else if (spec.kind === 'bool') values.set(spec.name, Array.isArray(v) ? Boolean(v[v.length - 1]) : Boolean(v));
    else {
      const last = Array.isArray(v) ? v[v.length - 1] : v; // Go: the last occurrence wins
      if (spec.kind === 'int' && !/^-?\d+$/.test(String(last))) {
        throw new LifecycleError('ERR_FLAG', `invalid value "${String(last)}" for flag -${spec.name}: parse error`);
      }
      values.set(spec.name, String(last));
    }
  }
  return {
    values,
    positional: rest,
    ignoredFlags: rest.filter((t) => t.startsWith('-') && t !== '-' && t !== '--'),
    version: Boolean((parsed as Record<string, unknown>)['version']),
    help: Boolean((parsed as Record<string, unknown>)['help'] || (parsed as Record<string, unknown>)['h']),
  };
}

