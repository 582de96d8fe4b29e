import { LifecycleError } from '../errors/index.js';

/** Builds the one-line ERR_DAEMON error: `daemon <endpoint>: <what> '<image>': <cause>`. */
export function daemonError(endpoint: string, what: string, image: string | undefined, cause: string, err?: unknown): LifecycleError {
  const subject = image === undefined ? what : `${what} '${image}'`;
  return new LifecycleError('ERR_DAEMON', `daemon ${endpoint}: ${subject}: ${oneLine(cause)}`, { cause: err });
}

/** Collapses whitespace and newlines so that messages stay on one line (podman sends multi-line causes). */
export function oneLine(text: string, max = 600): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The human cause of a failed request: the `message` of a JSON error body (Docker and podman), else the text. */
export function errorBodyMessage(status: number, body: string): string {
  let msg = body.trim();
  try {
    const v = JSON.parse(body) as { message?: unknown };
    if (typeof v.message === 'string' && v.message !== '') msg = v.message;
  } catch {
    // not JSON: keep the text
  }
  return msg === '' ? `HTTP ${status}` : `HTTP ${status}: ${msg}`;
}

/** A transport failure (socket missing, refused, reset) as a cause text. */
export function transportCause(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : undefined;
  const msg = typeof e?.cause?.message === 'string' ? e.cause.message : typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'ENOENT' || code === 'ECONNREFUSED') return `cannot connect to the daemon (is it running?): ${msg}`;
  return msg;
}

/**
 * Reads the JSON message stream of `POST /images/load` (one object per line or concatenated). Returns the
 * `stream` texts; throws the first `error` / `errorDetail.message` as a cause string.
 */
export function parseLoadMessages(text: string): { messages: string[]; error?: string } {
  const messages: string[] = [];
  for (const chunk of splitJsonObjects(text)) {
    let v: { stream?: unknown; error?: unknown; errorDetail?: { message?: unknown } };
    try {
      v = JSON.parse(chunk) as typeof v;
    } catch {
      messages.push(chunk);
      continue;
    }
    const detail = typeof v.errorDetail?.message === 'string' ? v.errorDetail.message : undefined;
    const error = typeof v.error === 'string' ? v.error : detail;
    if (error !== undefined && error !== '') return { messages, error };
    if (typeof v.stream === 'string' && v.stream.trim() !== '') messages.push(v.stream.trim());
  }
  return { messages };
}

/** Splits `{..}{..}\n{..}` into objects by brace depth, honouring strings. */
function splitJsonObjects(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && depth > 0 && --depth === 0) out.push(text.slice(start, i + 1));
  }
  const rest = depth === 0 && out.length === 0 ? text.trim() : '';
  if (rest !== '') out.push(rest);
  return out;
}
