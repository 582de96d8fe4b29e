import { LifecycleError } from '../errors/index.js';

/** The kinds of flag Go's `flag` package gives the reference lifecycle. */
export type FlagKind = 'string' | 'bool' | 'strings' | 'int';

/** One command-line flag (the name without dashes). */
export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly usage?: string;
}

/** Parsed command line: only flags that were given appear in `values`. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, string | boolean | string[]>;
  readonly positional: readonly string[];
  /** Flag-like tokens found after the first positional argument (GEN-02: warned about, not parsed). */
  readonly ignoredFlags: readonly string[];
  readonly version: boolean;
  readonly help: boolean;
}

/** GEN-04: Go strconv.ParseBool; undefined for anything else. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** A flag with its environment variable and default (GEN-01: flag > env > default). */
export interface FlagDef extends FlagSpec {
  readonly env?: string;
  /**
   * The default: a value, or a function of the inputs resolved so far (GEN-06: `<layers>/group.toml` is
   * computed from the final `layers` value, so defaults are evaluated lazily, after every flag is read).
   */
  readonly default?: string | boolean | string[] | ((r: InputResolver) => string | undefined);
}

/** Reads one input by flag name with flag > env > default precedence; values are memoized. */
export class InputResolver {
  private readonly defs: Map<string, FlagDef>;
  private readonly cache = new Map<string, unknown>();

  constructor(
    defs: readonly FlagDef[],
    private readonly args: ParsedArgs,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    this.defs = new Map(defs.map((d) => [d.name, d]));
  }

  private def(name: string): FlagDef {
    const d = this.defs.get(name);
    if (!d) throw new Error(`internal: input '${name}' is not defined for this command`);
    return d;
  }

  /** True when the flag was given on the command line or its env var is set (non-empty). */
  isSet(name: string): boolean {
    const d = this.def(name);
    return this.args.values.has(name) || (d.env !== undefined && (this.env[d.env] ?? '') !== '');
  }

  /** A string input; undefined when neither flag, env nor default gives one. */
  string(name: string): string | undefined {
    if (this.cache.has(name)) return this.cache.get(name) as string | undefined;
    const d = this.def(name);
    let v: string | undefined;
    const flag = this.args.values.get(name);
    if (typeof flag === 'string') v = flag;
    else if (d.env && (this.env[d.env] ?? '') !== '') v = this.env[d.env];
    else if (typeof d.default === 'function') v = d.default(this);
    else if (typeof d.default === 'string') v = d.default;
    this.cache.set(name, v);
    return v;
  }

  /** A required string input: ERR_INVALID_ARGS (exit 3) when missing. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') {
      const d = this.def(name);
      throw new LifecycleError('ERR_INVALID_ARGS', `missing required input -${name}${d.env ? ` (or ${d.env})` : ''}`);
    }
    return v;
  }

  /** A boolean input; env values follow GEN-04 (anything unparseable is false). */
  bool(name: string): boolean {
    const d = this.def(name);
    const flag = this.args.values.get(name);
    if (typeof flag === 'boolean') return flag;
    if (d.env && (this.env[d.env] ?? '') !== '') return parseGoBool(this.env[d.env]!) ?? false;
    return typeof d.default === 'boolean' ? d.default : false;
  }

  /** A repeatable input (`-tag a -tag b`); the env var, when used, is comma-separated (GEN-05). */
  strings(name: string): string[] {
    const d = this.def(name);
    const flag = this.args.values.get(name);
    if (Array.isArray(flag)) return flag;
    if (d.env && (this.env[d.env] ?? '') !== '') {
      return this.env[d.env]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
    }
    return Array.isArray(d.default) ? [...d.default] : [];
  }

  /** An integer input; GEN-05: an invalid env value becomes 0. */
  int(name: string): number | undefined {
    const d = this.def(name);
    const flag = this.args.values.get(name);
    if (typeof flag === 'string') return Number(flag);
    if (d.env && (this.env[d.env] ?? '') !== '') {
      const raw = this.env[d.env]!;
      return /^-?\d+$/.test(raw) ? Number(raw) : 0;
    }
    return typeof d.default === 'string' ? Number(d.default) : undefined;
  }
}
