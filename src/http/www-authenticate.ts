/** One authentication challenge from a WWW-Authenticate header (RFC 7235). Scheme lower-cased; param names lower-cased. */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`), when used instead of params. */
  readonly token68?: string;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const WS = /[ \t]*/y;

/**
 * Parses one or more WWW-Authenticate header values into challenges. Handles several challenges in one
 * value (`Basic realm="a", Bearer realm="b",service="c"`), quoted strings with escapes and commas inside
 * them (`scope="repository:a:pull,push"`), unquoted values, and token68. Malformed trailing input is ignored.
 */
export function parseWwwAuthenticate(values: string | readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const value of typeof values === 'string' ? [values] : values) out.push(...parseOne(value));
  return out;
}

function parseOne(s: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skip = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m) i = re.lastIndex;
    return m?.[0];
  };
  const ws = () => skip(WS);
  const commas = () => {
    for (;;) {
      ws();
      if (s[i] !== ',') return;
      i++;
    }
  };
  const quoted = (): string => {
    let v = '';
    i++; // opening quote
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    i++; // closing quote
    return v;
  };
  for (;;) {
    commas();
    const scheme = skip(TOKEN);
    if (scheme === undefined) break;
    const params: Record<string, string> = {};
    let token68: string | undefined;
    ws();
    // token68 (`Negotiate abc==`): one word then the end or a comma; `name=value` is a param instead.
    const t68 = /[A-Za-z0-9._~+/-]+=*[ \t]*(?=,|$)/y;
    t68.lastIndex = i;
    const m68 = t68.exec(s);
    if (m68) {
      token68 = m68[0].trim();
      i = t68.lastIndex;
    }
    if (token68 === undefined) {
      for (;;) {
        const save = i;
        commas();
        const name = skip(TOKEN);
        ws();
        if (name === undefined || s[i] !== '=') {
          i = save; // next challenge (or end)
          break;
        }
        i++;
        ws();
        params[name.toLowerCase()] = s[i] === '"' ? quoted() : (skip(/[^,\s]*/y) ?? '');
      }
    }
    out.push(token68 === undefined ? { scheme: scheme.toLowerCase(), params } : { scheme: scheme.toLowerCase(), params, token68 });
  }
  return out;
}
