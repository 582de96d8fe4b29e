// Prints the README's flag tables from the phase commands themselves (see scripts/flag-tables.mjs).
import { ApiVersion, catalogFlags, COMMON_FLAGS, InputResolver, SUPPORTED_PLATFORM_APIS, type FlagDef } from '../src/platform/index.js';
import type { Command } from '../src/cli/index.js';
import { PHASES } from '../phases/registry.js';

const ORDER = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser'];

function describeDefault(d: FlagDef): string {
  if (d.name === 'order') return '`<layers>/order.toml` if present, else `/cnb/order.toml`';
  if (typeof d.default === 'function') {
    const r = new InputResolver([{ name: 'layers', kind: 'string', default: '<layers>' }], { values: new Map(), positional: [], ignoredFlags: [], version: false, help: false }, {});
    const v = d.default(r);
    return v ? `\`${v}\`` : '';
  }
  if (Array.isArray(d.default)) return d.default.join(', ');
  if (d.default === undefined || d.default === '') return d.kind === 'bool' ? '`false`' : '';
  return `\`${String(d.default)}\``;
}

async function main(): Promise<void> {
  const out: string[] = [];
  for (const phase of ORDER) {
    const load = PHASES[phase];
    if (!load) continue;
    const cmd = (await load()) as Command<unknown>;
    const since = new Map<string, string>();
    const defs = new Map<string, FlagDef>();
    for (const v of SUPPORTED_PLATFORM_APIS) {
      const api = ApiVersion.parse(v);
      for (const d of [...cmd.defineFlags(api), ...catalogFlags(api, COMMON_FLAGS)]) {
        if (!since.has(d.name)) since.set(d.name, v);
        defs.set(d.name, d);
      }
    }
    if (defs.size <= COMMON_FLAGS.length) continue;
    out.push(`### ${phase}`, '', `\`/cnb/lifecycle/${phase} [flags] ${cmd.usage ?? ''}\``.replace(/ +`$/, '`'), '');
    out.push('| flag | env var | default | since |', '|---|---|---|---|');
    for (const [name, d] of defs) {
      const flag = `\`-${name}${d.kind === 'bool' ? '' : ' <value>'}\`${d.kind === 'strings' ? ' (repeatable)' : ''}`;
      out.push(`| ${flag} | ${d.env ? `\`${d.env}\`` : ''} | ${describeDefault(d)} | ${since.get(name)} |`);
    }
    out.push('');
  }
  process.stdout.write(out.join('\n'));
}

void main();
