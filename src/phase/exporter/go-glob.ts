/**
 * Go `path.Match` semantics for app slice patterns (LY-21, LY-22 [REF]: REF globs each slice path with Go's
 * `filepath.Glob` relative to `<app>`). `*` matches any run of non-`/` characters, `?` one non-`/`
 * character, `[...]` a class (`^` negates, `a-z` ranges, `\` escapes), `\c` the character c. There is no
 * `**`. A malformed pattern matches nothing (Go returns ErrBadPattern; REF then fails the slice, we skip it).
 */
export function goMatch(pattern: string, name: string): boolean {
  return matchAt(pattern, 0, name, 0);
}

function matchAt(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi] as string;
    if (c === '*') {
      while (p[pi] === '*') pi++;
      if (pi === p.length) return !s.slice(si).includes('/');
      for (let k = si; k <= s.length; k++) {
        if (matchAt(p, pi, s, k)) return true;
        if (s[k] === '/') return false;
      }
      return false;
    }
    if (si >= s.length) return false;
    const ch = s[si] as string;
    if (c === '?') {
      if (ch === '/') return false;
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const r = matchClass(p, pi + 1, ch);
      if (r === undefined || !r.ok) return false;
      pi = r.next;
      si++;
      continue;
    }
    let lit = c;
    if (c === '\\') {
      pi++;
      if (pi >= p.length) return false;
      lit = p[pi] as string;
    }
    if (lit !== ch) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

/** Matches `ch` against the class starting after `[`; undefined for a malformed class. */
function matchClass(p: string, i: number, ch: string): { ok: boolean; next: number } | undefined {
  if (ch === '/') return { ok: false, next: i };
  let negate = false;
  if (p[i] === '^') {
    negate = true;
    i++;
  }
  let matched = false;
  let first = true;
  for (;;) {
    if (i >= p.length) return undefined;
    if (p[i] === ']' && !first) return { ok: matched !== negate, next: i + 1 };
    first = false;
    const lo = readChar(p, i);
    if (!lo) return undefined;
    i = lo.next;
    let hi = lo;
    if (p[i] === '-' && p[i + 1] !== ']') {
      const h = readChar(p, i + 1);
      if (!h) return undefined;
      hi = h;
      i = h.next;
    }
    if (lo.ch <= ch && ch <= hi.ch) matched = true;
  }
}

function readChar(p: string, i: number): { ch: string; next: number } | undefined {
  if (i >= p.length) return undefined;
  if (p[i] === '\\') return i + 1 < p.length ? { ch: p[i + 1] as string, next: i + 2 } : undefined;
  return { ch: p[i] as string, next: i + 1 };
}
