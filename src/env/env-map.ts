/** An environment: variable name → value. Functions in src/env never mutate one; they return a copy. */
export type EnvMap = Readonly<Record<string, string>>;

/** The OS whose env rules apply: path list separator and (Windows) case-insensitive names. */
export type EnvOs = 'linux' | 'windows';

/** Options shared by the env functions; `os` defaults to the host OS. */
export interface EnvOptions {
  readonly os?: EnvOs;
}

/** The host OS for env purposes. */
export function hostEnvOs(): EnvOs {
  return process.platform === 'win32' ? 'windows' : 'linux';
}

/** The OS path list separator: `:` on Linux, `;` on Windows (ENV-06, ENV-09). */
export function pathListSeparator(opts: EnvOptions = {}): string {
  return (opts.os ?? hostEnvOs()) === 'windows' ? ';' : ':';
}

function keyOf(env: EnvMap, name: string, opts: EnvOptions): string | undefined {
  if (Object.prototype.hasOwnProperty.call(env, name)) return name;
  if ((opts.os ?? hostEnvOs()) !== 'windows') return undefined;
  const upper = name.toUpperCase();
  return Object.keys(env).find((k) => k.toUpperCase() === upper);
}

/** The value of `name` ("" when unset); names compare case-insensitively on Windows. */
export function getVar(env: EnvMap, name: string, opts: EnvOptions = {}): string {
  const k = keyOf(env, name, opts);
  return k === undefined ? '' : env[k] ?? '';
}

/** True when `name` is set (even to ""). */
export function hasVar(env: EnvMap, name: string, opts: EnvOptions = {}): boolean {
  return keyOf(env, name, opts) !== undefined;
}

/** A copy of `env` with `name` set to `value` (on Windows, replacing a differently-cased key). */
export function setVar(env: EnvMap, name: string, value: string, opts: EnvOptions = {}): EnvMap {
  const out: Record<string, string> = { ...env };
  const k = keyOf(env, name, opts);
  if (k !== undefined && k !== name) delete out[k];
  out[name] = value;
  return out;
}

/** A copy of `env` with every entry of `vars` set. */
export function setVars(env: EnvMap, vars: Readonly<Record<string, string>>, opts: EnvOptions = {}): EnvMap {
  let out = env;
  for (const [k, v] of Object.entries(vars)) out = setVar(out, k, v, opts);
  return out;
}

/** `env` as `NAME=value` lines sorted by name (for logs and tests). */
export function envToList(env: EnvMap): string[] {
  return Object.keys(env)
    .sort()
    .map((k) => `${k}=${env[k]}`);
}
