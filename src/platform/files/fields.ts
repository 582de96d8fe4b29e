import { LifecycleError } from '../../errors/index.js';
import type { TomlTable } from './toml-file.js';

/**
 * Typed field readers for parsed TOML/JSON. Each failure is ERR_TOML with the file and the dotted field
 * path, e.g. "/layers/group.toml: group[1].id: expected a string".
 */
export class Fields {
  constructor(
    readonly file: string,
    readonly table: TomlTable,
    readonly path = '',
  ) {}

  private name(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, msg: string): never {
    throw new LifecycleError('ERR_TOML', `${this.file}: ${this.name(key)}: ${msg}`);
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }

  string(key: string): string {
    const v = this.table[key];
    if (typeof v !== 'string') this.fail(key, v === undefined ? 'is required' : 'expected a string');
    return v;
  }

  optString(key: string): string | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, 'expected a string');
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, 'expected a boolean');
    return v;
  }

  bool(key: string, dflt = false): boolean {
    return this.optBool(key) ?? dflt;
  }

  optNumber(key: string): number | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') this.fail(key, 'expected a number');
    return v;
  }

  stringArray(key: string): string[] {
    const v = this.table[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) this.fail(key, 'expected an array of strings');
    return v as string[];
  }

  /** A sub-table, or undefined. */
  optTable(key: string): Fields | undefined {
    const v = this.table[key];
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'expected a table');
    return new Fields(this.file, v as TomlTable, this.name(key));
  }

  /** The raw value of a sub-table (free-form metadata), or undefined. */
  optRawTable(key: string): TomlTable | undefined {
    return this.optTable(key)?.table;
  }

  /** An array of tables (`[[key]]`), each wrapped; missing means empty. */
  tables(key: string): Fields[] {
    const v = this.table[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(key, 'expected an array of tables');
    return v.map((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) this.fail(`${key}[${i}]`, 'expected a table');
      return new Fields(this.file, item as TomlTable, `${this.name(key)}[${i}]`);
    });
  }
}
