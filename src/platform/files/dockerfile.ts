import { readFile } from 'node:fs/promises';
import { LifecycleError } from '../../errors/index.js';

/**
 * One Dockerfile instruction as written: the keyword (upper case), its `--flag[=value]` options (for FROM, RUN,
 * COPY and ADD), the remaining argument text with continuation lines joined, and the JSON ("exec") form when
 * the arguments are a JSON array of strings. Variables are NOT expanded here (the executor does that).
 */
export interface DockerInstruction {
  readonly keyword: string;
  readonly flags: Readonly<Record<string, string>>;
  /** The arguments after the flags, trimmed. */
  readonly args: string;
  /** The exec form (`["a", "b"]`), when `args` is a JSON string array. */
  readonly json?: readonly string[];
  /** 1-based line of the keyword. */
  readonly line: number;
}

/** One build stage: its FROM and the instructions after it. */
export interface DockerStage {
  readonly from: DockerInstruction;
  /** The raw (unexpanded) base name of FROM, e.g. `${base_image}` or `ubuntu:22.04`. */
  readonly baseName: string;
  readonly instructions: readonly DockerInstruction[];
}

/** A parsed Dockerfile: the ARGs before the first FROM ("meta args") and the stages. */
export interface ParsedDockerfile {
  readonly file: string;
  readonly metaArgs: readonly DockerInstruction[];
  readonly stages: readonly DockerStage[];
  /** The escape character (parser directive `# escape=`; default backslash). */
  readonly escape: string;
}

const FLAG_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD']);

function fail(file: string, line: number, msg: string): never {
  throw new LifecycleError('ERR_TOML', `${file}: line ${line}: ${msg}`);
}

/** Parser directives (`# escape=` and `# syntax=`) at the very top of the file. */
function directives(lines: readonly string[]): { escape: string; skip: number } {
  let escape = '\\';
  let n = 0;
  for (; n < lines.length; n++) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[n] ?? '');
    if (!m) break;
    const key = (m[1] ?? '').toLowerCase();
    if (key === 'escape') {
      const v = m[2] ?? '';
      if (v !== '\\' && v !== '`') break;
      escape = v;
    } else if (key !== 'syntax' && key !== 'check') break;
  }
  return { escape, skip: n };
}

/** Splits leading `--name[=value]` flags off the argument text. */
function splitFlags(text: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = text.trimStart();
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(\s+|$)/.exec(rest);
    if (!m) break;
    flags[m[1] as string] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

function jsonForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args) as unknown;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  } catch {
    /* not JSON: shell form */
  }
  return undefined;
}

/**
 * Parses Dockerfile text (the subset image extensions use: GE-06/GE-07). Handles parser directives, comments,
 * blank lines, line continuations with the escape character, flags and the JSON form. Heredocs are not
 * supported. Errors are ERR_TOML naming the file and line (the caller wraps them in its phase code).
 */
export function parseDockerfile(text: string, file: string): ParsedDockerfile {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const { escape, skip } = directives(lines);
  const instructions: DockerInstruction[] = [];
  let i = skip;
  while (i < lines.length) {
    const first = lines[i] ?? '';
    const start = i + 1;
    i++;
    if (/^\s*$/.test(first) || /^\s*#/.test(first)) continue;
    let logical = first;
    // Continuation: the line (right-trimmed) ends with the escape character.
    while (logical.replace(/\s+$/, '').endsWith(escape)) {
      logical = logical.replace(/\s+$/, '').slice(0, -1);
      // Comment and empty lines inside a continuation are dropped.
      while (i < lines.length && (/^\s*#/.test(lines[i] ?? '') || /^\s*$/.test(lines[i] ?? ''))) i++;
      if (i >= lines.length) break;
      logical += lines[i] ?? '';
      i++;
    }
    const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(logical);
    if (!m) fail(file, start, `cannot parse instruction '${logical.trim()}'`);
    const keyword = (m[1] as string).toUpperCase();
    const body = (m[2] ?? '').trim();
    const { flags, rest } = FLAG_KEYWORDS.has(keyword) ? splitFlags(body) : { flags: {}, rest: body };
    if (rest === '') fail(file, start, `${keyword} requires at least one argument`);
    const json = jsonForm(rest);
    instructions.push({ keyword, flags, args: rest, ...(json ? { json } : {}), line: start });
  }
  const metaArgs: DockerInstruction[] = [];
  const stages: { from: DockerInstruction; baseName: string; instructions: DockerInstruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/);
      if (words.length !== 1 && !(words.length === 3 && (words[1] ?? '').toUpperCase() === 'AS')) fail(file, ins.line, `FROM: invalid arguments '${ins.args}'`);
      stages.push({ from: ins, baseName: words[0] as string, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') fail(file, ins.line, `${ins.keyword} before the first FROM (only ARG may come first)`);
      metaArgs.push(ins);
    } else {
      (stages[stages.length - 1] as (typeof stages)[number]).instructions.push(ins);
    }
  }
  return { file, metaArgs, stages, escape };
}

/** Reads and parses a Dockerfile; a read failure is ERR_IO naming the file. */
export async function readDockerfile(file: string): Promise<ParsedDockerfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LifecycleError('ERR_IO', `failed to read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
  return parseDockerfile(text, file);
}

/** `ARG name[=default]` (several per instruction are allowed): the declared names and defaults. */
export function argDeclarations(ins: DockerInstruction): { name: string; default?: string }[] {
  return ins.args
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => {
      const eq = w.indexOf('=');
      if (eq < 0) return { name: w };
      let v = w.slice(eq + 1);
      if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) v = v.slice(1, -1);
      return { name: w.slice(0, eq), default: v };
    });
}
