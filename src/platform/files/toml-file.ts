import TOML from '@iarna/toml';
import { readFile } from 'node:fs/promises';
import { LifecycleError } from '../../errors/index.js';
import { writeFileAtomic } from '../../sys/index.js';

/** A parsed TOML table. */
export type TomlTable = Record<string, unknown>;

/** Parses TOML text; a syntax error becomes ERR_TOML naming `file` and the line. */
export function parseToml(text: string, file: string): TomlTable {
  try {
    return TOML.parse(text) as TomlTable;
  } catch (e) {
    const err = e as { line?: number; col?: number; message?: string };
    const where = err.line !== undefined ? ` (line ${err.line + 1}, column ${(err.col ?? 0) + 1})` : '';
    const first = String(err.message ?? e).split('\n')[0];
    throw new LifecycleError('ERR_TOML', `failed to parse ${file}${where}: ${first}`, { cause: e });
  }
}

/** Reads and parses a TOML file. Missing file: ERR_IO naming the file (use `readTomlIfExists` when optional). */
export async function readToml(file: string): Promise<TomlTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LifecycleError('ERR_IO', `failed to read ${file}: ${code === 'ENOENT' ? 'file does not exist' : code ?? String(e)}`, { cause: e });
  }
  return parseToml(text, file);
}

/** Reads a TOML file, or returns undefined when it does not exist. */
export async function readTomlIfExists(file: string): Promise<TomlTable | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LifecycleError('ERR_IO', `failed to read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return parseToml(text, file);
}

/** Removes undefined values (and empty tables marked by the caller as undefined) so TOML can encode them. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(clean);
  if (value instanceof Date) return value;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && v !== null) out[k] = clean(v);
    }
    return out;
  }
  return value;
}

/**
 * Encodes a value as TOML text (undefined and null fields are dropped). @iarna/toml writes integers with
 * digit separators (`1_234`); valid TOML, but REF and simple readers expect `1234`, so plain integer
 * values are written without them.
 */
export function stringifyToml(value: object): string {
  return TOML.stringify(clean(value) as TOML.JsonMap).replace(/^(\s*[^\s=#"']+ = -?)(\d{1,3}(?:_\d{3})+)$/gm, (_m, head: string, n: string) => head + n.replace(/_/g, ''));
}

/** Writes a value as TOML atomically (temp file + rename). */
export async function writeToml(file: string, value: object): Promise<void> {
  await writeFileAtomic(file, stringifyToml(value));
}
