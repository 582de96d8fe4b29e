/**
 * The Debian mirror of this machine, read at run time from its apt sources (/etc/apt/sources.list and
 * /etc/apt/sources.list.d/*.list, *.sources in one-line or deb822 form). The mirror's host is never written
 * into the repository: every machine brings its own (TOOLING.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One `deb` source: a URI and its suites. */
export interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
}

/** Parses one-line `deb [options] URI suite comp...` entries. */
export function parseListFile(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m?.[1] && m[2]) out.push({ uri: m[1], suites: [m[2]] });
  }
  return out;
}

/** Parses deb822 `.sources` stanzas (Types, URIs, Suites, Enabled). */
export function parseSourcesFile(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m?.[1]) fields.set(m[1].toLowerCase(), m[2] ?? '');
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, suites });
  }
  return out;
}

/** All `deb` sources of this machine, in apt's file order. */
export function aptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const main = read(join(etcApt, 'sources.list'));
  if (main) out.push(...parseListFile(main));
  let names: string[] = [];
  try {
    names = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    names = [];
  }
  for (const n of names) {
    const t = read(join(etcApt, 'sources.list.d', n));
    if (t === undefined) continue;
    if (n.endsWith('.list')) out.push(...parseListFile(t));
    else if (n.endsWith('.sources')) out.push(...parseSourcesFile(t));
  }
  return out;
}

/**
 * The mirror to bootstrap `suite` from: `CNB_DEBIAN_MIRROR` when set, else the first apt source that serves
 * exactly `suite` (not `-security` or `-updates`). Throws when the machine has none.
 */
export function debianMirror(suite: string, env: Readonly<Record<string, string | undefined>> = process.env, etcApt = '/etc/apt'): string {
  const forced = env['CNB_DEBIAN_MIRROR'];
  if (forced) return forced;
  const hit = aptSources(etcApt).find((s) => s.suites.includes(suite));
  if (!hit) throw new Error(`no apt source for suite '${suite}' in ${etcApt}/sources.list(.d); set CNB_DEBIAN_MIRROR`);
  return hit.uri;
}
