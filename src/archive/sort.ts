/**
 * Compares two names by Unicode code point, which is the byte order of their UTF-8 forms (Go's sort.Strings,
 * [REF] filepath.Walk). Plain `<` on JS strings compares UTF-16 units and differs only when a surrogate
 * (U+D800–DFFF) meets a unit in U+E000–FFFF; that case is fixed up here.
 */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
