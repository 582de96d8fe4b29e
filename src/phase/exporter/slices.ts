import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { compareNames, createWalkState, entryFor, normalizeTarPath, type TarEntry } from '../../archive/index.js';
import { wrapError } from '../../errors/index.js';
import type { LaunchSlice } from '../../platform/index.js';
import { goMatch } from './go-glob.js';

/** One path under `<app>`, in [REF] walk order (depth-first, names sorted by code point). */
interface AppPath {
  readonly rel: string;
  readonly st: Stats;
}

/** The app layers' contents (LY-21): one list of relative paths per slice, then the remaining paths. */
export interface AppPartition {
  /** Relative paths ('' = the app dir itself) per slice, in walk order, each with its in-app ancestors. */
  readonly slices: readonly (readonly string[])[];
  /** Everything no slice claimed (always includes the app dir itself). */
  readonly rest: readonly string[];
}

function walk(appDir: string): AppPath[] {
  const out: AppPath[] = [];
  const visit = (rel: string) => {
    const abs = rel === '' ? appDir : join(appDir, rel);
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch (e) {
      throw wrapError(e, 'ERR_IO', `read app dir ${abs}`);
    }
    out.push({ rel, st });
    if (!st.isDirectory()) return;
    for (const n of readdirSync(abs).sort(compareNames)) visit(rel === '' ? n : `${rel}/${n}`);
  };
  visit('');
  return out;
}

function cleanPattern(p: string): string {
  const n = posix.normalize(p);
  return n.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/**
 * LY-21/LY-22: slices in order; each claims the paths its globs match (a directory with its whole subtree)
 * among those no earlier slice claimed. A slice that matches nothing gives an empty layer [REF]. The rest
 * keeps every unclaimed path, the app dir included, so the app content is always exported.
 */
export function partitionApp(appDir: string, slices: readonly LaunchSlice[]): { partition: AppPartition; paths: ReadonlyMap<string, Stats> } {
  const all = walk(appDir);
  const stats = new Map(all.map((p) => [p.rel, p.st]));
  const claimed = new Set<string>();
  const out: string[][] = [];
  for (const slice of slices) {
    const patterns = slice.paths.map(cleanPattern).filter((p) => p !== '' && p !== '.' && !p.startsWith('../'));
    // FMT-16: a relative glob matches paths relative to <app>; an absolute one matches absolute paths, so
    // only those within <app> (the only paths walked) can match.
    const matches = (pat: string, rel: string) => (pat.startsWith('/') ? goMatch(pat, posix.join(appDir, rel)) : goMatch(pat, rel));
    const mine = new Set<string>();
    for (const p of all) {
      if (p.rel === '' || claimed.has(p.rel)) continue;
      let parentClaimed = false;
      for (let d = posix.dirname(p.rel); d !== '.' && !parentClaimed; d = posix.dirname(d)) parentClaimed = mine.has(d);
      if (parentClaimed || patterns.some((pat) => matches(pat, p.rel))) mine.add(p.rel);
    }
    for (const m of mine) claimed.add(m);
    const withParents = new Set<string>(['']);
    for (const m of mine) {
      withParents.add(m);
      for (let d = posix.dirname(m); d !== '.'; d = posix.dirname(d)) withParents.add(d);
    }
    out.push(all.filter((p) => withParents.has(p.rel) && (mine.size > 0 || p.rel === '')).map((p) => p.rel));
  }
  const rest = all.filter((p) => !claimed.has(p.rel)).map((p) => p.rel);
  return { partition: { slices: out, rest }, paths: stats };
}

/** EP-21 / LY-29: the ancestors of `absDir` as directory entries with their on-disk mode and owner. */
export function ancestorEntries(absDir: string): TarEntry[] {
  const chain: TarEntry[] = [];
  for (let d = dirname(absDir); d !== dirname(d); d = dirname(d)) {
    let st: Stats | undefined;
    try {
      st = lstatSync(d);
    } catch {
      st = undefined;
    }
    const path = normalizeTarPath(d);
    chain.unshift(st?.isDirectory() ? { path, type: 'directory', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } : { path, type: 'directory', mode: 0o755, uid: 0, gid: 0 });
  }
  return chain;
}

/** Tar entries of `rels` under `appDir` (absolute in-tar paths, LY-22), owned by uid:gid (LY-29). */
export function* appEntries(appDir: string, rels: readonly string[], stats: ReadonlyMap<string, Stats>, uid: number, gid: number): Generator<TarEntry> {
  yield* ancestorEntries(appDir);
  const state = createWalkState();
  const root = normalizeTarPath(appDir);
  for (const rel of rels) {
    const st = stats.get(rel);
    if (!st) continue;
    const e = entryFor(rel === '' ? appDir : join(appDir, rel), rel === '' ? root : `${root === '/' ? '' : root}/${rel}`, st, uid, gid, state);
    if (e) yield e;
  }
}
