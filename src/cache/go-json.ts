/**
 * JSON text as Go's `encoding/json` writes it, so files and labels we write are byte-identical to REF's
 * (FMT-26, FMT-28). Differences from `JSON.stringify` that matter:
 * - map keys are sorted byte-wise (Go sorts map keys; JS puts integer-like keys first);
 * - `<`, `>`, `&`, U+2028 and U+2029 are escaped as `\u003c`… (Go's default HTML escaping);
 * - a time is RFC 3339 without trailing zero fractions.
 * Struct-shaped values (fixed key order) are written with `goStruct`, maps with `goJson`.
 */

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A JSON string literal, escaped as Go does. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c] ?? c);
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's RFC 3339 (nanosecond) time format: no fraction when it is zero, trailing zeros dropped. */
export function goTime(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac === '' ? 'Z' : `.${frac}Z`));
}

/** Encodes an arbitrary JSON-like value (from TOML or JSON) like Go encodes an `interface{}`. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return goString(goTime(value));
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    keys.sort(byteCompare);
    return `{${keys.map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return 'null';
}

/** Encodes a struct: `fields` in the given (declaration) order; each value already encoded. */
export function goStruct(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  return `{${fields
    .filter((f): f is readonly [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${goString(k)}:${v}`)
    .join(',')}}`;
}
