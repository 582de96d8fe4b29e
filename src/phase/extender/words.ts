import { LifecycleError } from '../../errors/index.js';

/** Variables visible to Dockerfile word expansion (build args in scope, then the image Env). */
export type Vars = ReadonlyMap<string, string>;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

function fail(text: string, msg: string): never {
  throw new LifecycleError('ERR_EXTEND', `cannot expand '${text}': ${msg}`);
}

/**
 * Splits Dockerfile argument text into words the way the Dockerfile shell lexer does for ENV, LABEL, ARG,
 * COPY, ADD, USER and WORKDIR: whitespace separates words; single quotes are literal; double quotes keep
 * spaces and allow `$` expansion; the escape character escapes the next character; `$NAME`, `${NAME}`,
 * `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` and `${NAME+word}` expand from `vars` (unset → empty).
 * With `split: false` the whole text is one word (whitespace kept).
 */
export function lexWords(text: string, vars: Vars, options: { escape?: string; split?: boolean } = {}): string[] {
  const esc = options.escape ?? '\\';
  const split = options.split ?? true;
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;

  const variable = (): string => {
    // at text[i] === '$'
    i++;
    if (text[i] === '{') {
      i++;
      NAME.lastIndex = i;
      const m = NAME.exec(text);
      if (!m) fail(text, 'bad substitution');
      const name = m[0];
      i += name.length;
      const set = vars.has(name);
      const value = vars.get(name) ?? '';
      if (text[i] === '}') {
        i++;
        return value;
      }
      let op = text[i] ?? '';
      i++;
      if (op === ':') {
        op = `:${text[i] ?? ''}`;
        i++;
      }
      // the word up to the matching '}' (nested ${...} allowed), itself expanded
      let depth = 1;
      const start = i;
      while (i < text.length && depth > 0) {
        if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        if (depth > 0) i++;
      }
      if (depth !== 0) fail(text, 'missing }');
      const word = lexWords(text.slice(start, i), vars, { escape: esc, split: false })[0] ?? '';
      i++;
      switch (op) {
        case ':-': return value !== '' ? value : word;
        case '-': return set ? value : word;
        case ':+': return value !== '' ? word : '';
        case '+': return set ? word : '';
        default: return fail(text, `unsupported modifier '${op}'`);
      }
    }
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) return '$';
    i += m[0].length;
    return vars.get(m[0]) ?? '';
  };

  while (i < text.length) {
    const c = text[i] as string;
    if (split && /\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === esc) {
      if (i + 1 < text.length) cur += text[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail(text, 'unterminated single quote');
      cur += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === esc && i + 1 < text.length && ['"', esc, '$'].includes(text[i + 1] as string)) {
          cur += text[i + 1];
          i += 2;
        } else if (text[i] === '$') {
          cur += variable();
        } else {
          cur += text[i];
          i++;
        }
      }
      if (text[i] !== '"') fail(text, 'unterminated double quote');
      i++;
    } else if (c === '$') {
      cur += variable();
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord || !split) words.push(cur);
  return words;
}

/**
 * `key=value ...` pairs of ENV, LABEL (and ARG defaults), after expansion. The legacy one-pair form
 * `ENV key value with spaces` is accepted when the first word has no `=`.
 */
export function keyValuePairs(args: string, vars: Vars, escape = '\\'): [string, string][] {
  const first = args.trim().split(/\s+/, 1)[0] ?? '';
  if (!first.includes('=')) {
    const rest = args.trim().slice(first.length).trim();
    if (rest === '') throw new LifecycleError('ERR_EXTEND', `'${args}': expected key=value or key value`);
    return [[first, lexWords(rest, vars, { escape, split: false })[0] ?? '']];
  }
  return lexWords(args, vars, { escape }).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new LifecycleError('ERR_EXTEND', `'${args}': expected key=value, got '${w}'`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
