import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LifecycleError } from '../errors/index.js';
import { getVar, setVar, type EnvMap, type EnvOptions } from './env-map.js';

/** One file of an env directory: its file name and verbatim contents (EF-02: no trimming). */
export interface EnvFile {
  readonly file: string;
  readonly value: string;
}

/** The modification an env file asks for (EF-01). */
export type EnvAction = 'override' | 'default' | 'append' | 'prepend';

const ACTIONS: readonly string[] = ['override', 'default', 'append', 'prepend'];

/**
 * Reads every regular file of `dir` (symlinks followed, subdirectories skipped, EF-01 [REF]) in ascending
 * file-name order (EF-08). A missing directory reads as empty; other failures are ERR_IO naming the path.
 */
export async function readEnvDir(dir: string): Promise<EnvFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new LifecycleError('ERR_IO', `failed to read env directory ${dir}: ${code ?? String(e)}`, { cause: e });
  }
  const out: EnvFile[] = [];
  for (const file of names.sort()) {
    const p = join(dir, file);
    try {
      if (!(await stat(p)).isFile()) continue;
      out.push({ file, value: await readFile(p, 'utf8') });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue; // dangling symlink
      throw new LifecycleError('ERR_IO', `failed to read env file ${p}: ${code ?? String(e)}`, { cause: e });
    }
  }
  return out;
}

/** What an env file name means (EF-01): a variable action, a delimiter, or nothing (ignored). */
export type EnvFileMeaning = { readonly name: string; readonly action: EnvAction } | { readonly name: string; readonly delim: true } | undefined;

/**
 * EF-01: the variable name is the file name up to the first `.`; the rest selects the action. No suffix
 * means `defaultAction` (override in layer dirs, default in `<build-config>/env`). `.delim` is a delimiter;
 * an unknown or compound suffix (`FOO.x.append`) is ignored ([REF]).
 */
export function parseEnvFileName(file: string, defaultAction: EnvAction): EnvFileMeaning {
  const dot = file.indexOf('.');
  if (dot < 0) return file === '' ? undefined : { name: file, action: defaultAction };
  const name = file.slice(0, dot);
  const suffix = file.slice(dot + 1);
  if (name === '') return undefined;
  if (suffix === 'delim') return { name, delim: true };
  return ACTIONS.includes(suffix) ? { name, action: suffix as EnvAction } : undefined;
}

/**
 * Applies the files of one env directory to `env` (EF-01..EF-08), in the given (ascending) order:
 * override sets; default sets only when empty or unset; append/prepend join with the `<NAME>.delim`
 * contents of the same directory, [REF] "" when there is none, inserted only when the existing value is
 * non-empty (EF-07).
 */
export function applyEnvFiles(env: EnvMap, files: readonly EnvFile[], defaultAction: EnvAction, opts: EnvOptions = {}): EnvMap {
  const delims = new Map<string, string>();
  for (const f of files) {
    const m = parseEnvFileName(f.file, defaultAction);
    if (m && 'delim' in m) delims.set(m.name, f.value);
  }
  let out = env;
  for (const f of files) {
    const m = parseEnvFileName(f.file, defaultAction);
    if (!m || 'delim' in m) continue;
    const cur = getVar(out, m.name, opts);
    const delim = cur === '' ? '' : delims.get(m.name) ?? '';
    switch (m.action) {
      case 'override':
        out = setVar(out, m.name, f.value, opts);
        break;
      case 'default':
        if (cur === '') out = setVar(out, m.name, f.value, opts);
        break;
      case 'append':
        out = setVar(out, m.name, cur + delim + f.value, opts);
        break;
      case 'prepend':
        out = setVar(out, m.name, f.value + delim + cur, opts);
        break;
    }
  }
  return out;
}

/** Reads and applies one env directory (a convenience over `readEnvDir` + `applyEnvFiles`). */
export async function applyEnvDir(env: EnvMap, dir: string, defaultAction: EnvAction, opts: EnvOptions = {}): Promise<EnvMap> {
  return applyEnvFiles(env, await readEnvDir(dir), defaultAction, opts);
}
