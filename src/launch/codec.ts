import { LifecycleError } from '../errors/index.js';
import type { EnvAction } from '../env/index.js';
import type { DescOp, DescProcess, LaunchDescription, ScanKind } from './description.js';

/**
 * The launch description wire format (docs/launcher.md), parsed by phases/launcher/desc.c:
 *
 *   file   = "cnb-launch-desc 1\n" *record
 *   record = tag *(" " field) "\n"      tag = 1*[a-z]
 *   field  = <decimal byte length> ":" <bytes>
 *
 * Length-prefixed fields need no escaping (env values keep their newlines, EF-02) and the C parser never
 * searches inside a value. Records: app, default, bp, proc (+ cmd/arg/xenv), root, env, execd, profile, scan.
 */
export const LAUNCH_DESC_MAGIC = 'cnb-launch-desc 1';

const ACTIONS: readonly EnvAction[] = ['override', 'default', 'prepend', 'append'];
const SCANS: readonly ScanKind[] = ['root', 'env', 'execd', 'profile'];
const MAX_FIELD = 999_999_999; // 9 digits, as the C parser accepts

function record(tag: string, fields: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(tag)];
  for (const f of fields) {
    const b = Buffer.from(f, 'utf8');
    if (b.includes(0)) throw new LifecycleError('ERR_INVALID_ARGS', `launch description: ${tag} field contains a NUL byte`);
    if (b.length > MAX_FIELD) throw new LifecycleError('ERR_INVALID_ARGS', `launch description: ${tag} field too long`);
    parts.push(Buffer.from(` ${b.length}:`), b);
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

function opRecord(op: DescOp): Buffer {
  switch (op.kind) {
    case 'root':
      return record('root', [op.name, op.path]);
    case 'env':
      return record('env', [op.scope, op.action, op.name, op.value, op.delim]);
    case 'execd':
    case 'profile':
      return record(op.kind, [op.scope, op.path]);
    case 'scan':
      return record('scan', [op.what, op.path]);
  }
}

/** Encodes a description as the bytes of `<layers>/config/launch.desc` (deterministic: same input, same bytes). */
export function encodeLaunchDescription(d: LaunchDescription): Buffer {
  const out: Buffer[] = [Buffer.from(`${LAUNCH_DESC_MAGIC}\n`), record('app', [d.appDir])];
  if (d.defaultType) out.push(record('default', [d.defaultType]));
  for (const bp of d.buildpacks) out.push(record('bp', [bp.id, bp.api]));
  for (const p of d.processes) {
    out.push(record('proc', [p.type, p.buildpackId, p.direct ? '1' : '0', p.argsMode === 'replace' ? 'r' : 'a', p.workingDir, p.isDefault ? '1' : '0']));
    for (const c of p.command) out.push(record('cmd', [c]));
    for (const a of p.args) out.push(record('arg', [a]));
    for (const x of p.execEnv) out.push(record('xenv', [x]));
  }
  for (const op of d.ops) out.push(opRecord(op));
  return Buffer.concat(out);
}

function bad(n: number, what: string): never {
  throw new LifecycleError('ERR_LAUNCH', `invalid launch description (record ${n}): ${what}`);
}

/** Splits the bytes into [tag, fields] records, with the same strictness as desc.c. */
function* records(buf: Buffer): Generator<[number, string, string[]]> {
  const magic = Buffer.from(`${LAUNCH_DESC_MAGIC}\n`);
  if (!buf.subarray(0, magic.length).equals(magic)) bad(1, `missing header '${LAUNCH_DESC_MAGIC}'`);
  let pos = magic.length;
  let n = 1;
  while (pos < buf.length) {
    n++;
    const t0 = pos;
    while (pos < buf.length && buf[pos]! >= 0x61 && buf[pos]! <= 0x7a) pos++;
    if (pos === t0 || pos >= buf.length) bad(n, 'missing tag');
    const tag = buf.toString('latin1', t0, pos);
    const fields: string[] = [];
    while (buf[pos] === 0x20) {
      pos++;
      const d0 = pos;
      while (pos < buf.length && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++;
      if (pos === d0 || pos - d0 > 9 || buf[pos] !== 0x3a) bad(n, 'malformed field length');
      const len = Number(buf.toString('latin1', d0, pos));
      pos++;
      if (len > buf.length - pos) bad(n, 'field runs past end of file');
      fields.push(buf.toString('utf8', pos, pos + len));
      pos += len;
    }
    if (buf[pos] !== 0x0a) bad(n, 'record not terminated by a newline');
    pos++;
    yield [n, tag, fields];
  }
}

type MutableProcess = { -readonly [K in keyof DescProcess]: K extends 'command' | 'args' | 'execEnv' ? string[] : DescProcess[K] };

/** Decodes `launch.desc` bytes (the TypeScript twin of desc.c; used by tests and diagnostics). */
export function decodeLaunchDescription(buf: Buffer): LaunchDescription {
  let appDir = '';
  let defaultType: string | undefined;
  const buildpacks: { id: string; api: string }[] = [];
  const processes: MutableProcess[] = [];
  const ops: DescOp[] = [];
  const flag = (n: number, s: string) => (s === '1' ? true : s === '0' ? false : bad(n, 'expected 0 or 1'));
  for (const [n, tag, f] of records(buf)) {
    const need = (k: number) => f.length === k || bad(n, 'wrong number of fields');
    const s = (i: number) => f[i] ?? '';
    switch (tag) {
      case 'app': need(1); appDir = s(0); break;
      case 'default': need(1); defaultType = s(0); break;
      case 'bp': need(2); buildpacks.push({ id: s(0), api: s(1) }); break;
      case 'proc':
        need(6);
        if (s(3) !== 'r' && s(3) !== 'a') bad(n, 'args mode must be a or r');
        processes.push({ type: s(0), buildpackId: s(1), command: [], args: [], direct: flag(n, s(2)), argsMode: s(3) === 'r' ? 'replace' : 'append', workingDir: s(4), isDefault: flag(n, s(5)), execEnv: [] });
        break;
      case 'cmd': case 'arg': case 'xenv': {
        need(1);
        const p = processes[processes.length - 1] ?? bad(n, 'cmd/arg/xenv before any proc record');
        (tag === 'cmd' ? p.command : tag === 'arg' ? p.args : p.execEnv).push(s(0));
        break;
      }
      case 'root': need(2); ops.push({ kind: 'root', name: s(0), path: s(1) }); break;
      case 'env':
        need(5);
        if (!ACTIONS.includes(s(1) as EnvAction)) bad(n, 'unknown env action');
        ops.push({ kind: 'env', scope: s(0), action: s(1) as EnvAction, name: s(2), value: s(3), delim: s(4) });
        break;
      case 'execd': case 'profile': need(2); ops.push({ kind: tag, scope: s(0), path: s(1) }); break;
      case 'scan':
        need(2);
        if (!SCANS.includes(s(0) as ScanKind)) bad(n, 'unknown scan kind');
        ops.push({ kind: 'scan', what: s(0) as ScanKind, path: s(1) });
        break;
      default: bad(n, 'unknown record tag');
    }
  }
  return { appDir, ...(defaultType !== undefined ? { defaultType } : {}), buildpacks, processes, ops };
}
