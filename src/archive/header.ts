import { LifecycleError } from '../errors/index.js';
import type { TarEntry, TarEntryType } from './entry.js';
import { TAR_MTIME } from './entry.js';

/*
 * Header encoding that follows Go's archive/tar Writer with no explicit format (what [REF] uses): USTAR when
 * every field fits (long ASCII names split into prefix/name at the last fitting '/'), otherwise PAX records
 * (sorted keys) in a `PaxHeaders.0/<name>` extended header, then a USTAR-magic main header. Numeric fields are
 * zero-padded octal with a NUL terminator; the checksum is 6 octal digits, NUL, space. Two zero blocks end the
 * archive, with no record padding. Identical trees therefore give the same bytes (and diffID) as [REF].
 */

const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType, number> = {
  file: 0x30,
  link: 0x31,
  symlink: 0x32,
  'char-device': 0x33,
  'block-device': 0x34,
  directory: 0x35,
  fifo: 0x36,
};

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function fitsOctal(width: number, n: number): boolean {
  return n >= 0 && n < 8 ** (width - 1);
}

/** Writes `n` as zero-padded octal with a trailing NUL into `width` bytes at `off` (0 when it does not fit). */
function octal(buf: Buffer, off: number, width: number, n: number): void {
  const s = (fitsOctal(width, n) ? n : 0).toString(8).padStart(width - 1, '0');
  buf.write(s, off, width - 1, 'latin1');
  buf[off + width - 1] = 0;
}

function str(buf: Buffer, off: number, width: number, s: string): void {
  if (s.length > 0) buf.write(s, off, width, 'latin1');
}

/** Go's splitUSTARPath: prefix (≤155) and name (≤100) at the last '/' that makes both fit. */
function splitUstar(name: string): [string, string] | undefined {
  let length = name.length;
  if (length <= 100 || !isAscii(name)) return undefined;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.lastIndexOf('/', length - 1);
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > 100 || nlen === 0 || i > 155) return undefined;
  return [name.slice(0, i), name.slice(i + 1)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let size = bodyLen + String(bodyLen).length;
  if (String(size).length + bodyLen !== size) size = String(size).length + bodyLen;
  return `${size}${body}`;
}

interface Fields {
  name: string;
  prefix: string;
  linkname: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  flag: number;
  devmajor: number;
  devminor: number;
}

/** Fills one 512-byte header at `off`. `raw` is Go's writeRawFile shape (PAX extended header): no dev fields. */
function block(f: Fields, out: Buffer, off: number, raw = false): void {
  out.fill(0, off, off + BLOCK);
  str(out, off, 100, f.name);
  octal(out, off + 100, 8, f.mode);
  octal(out, off + 108, 8, f.uid);
  octal(out, off + 116, 8, f.gid);
  octal(out, off + 124, 12, f.size);
  octal(out, off + 136, 12, f.mtime);
  out[off + 156] = f.flag;
  str(out, off + 157, 100, f.linkname);
  out.write('ustar\u000000', off + 257, 8, 'latin1');
  // uname (265) and gname (297) stay empty (LY-26 [REF]).
  if (!raw) {
    octal(out, off + 329, 8, f.devmajor);
    octal(out, off + 337, 8, f.devminor);
  }
  str(out, off + 345, 155, f.prefix);
  let sum = 8 * 0x20;
  for (let i = off; i < off + 148; i++) sum += out[i] as number;
  for (let i = off + 156; i < off + BLOCK; i++) sum += out[i] as number;
  octal(out, off + 148, 7, sum);
  out[off + 155] = 0x20;
}

function toAscii(s: string): string {
  return isAscii(s) ? s : s.replace(/[^\x01-\x7f]/g, '');
}

interface Prepared {
  fields: Fields;
  /** PAX records when the entry cannot be USTAR. */
  pax?: Record<string, string>;
}

function prepare(entry: TarEntry, size: number): Prepared {
  const name = entry.path;
  const linkname = entry.linkname ?? '';
  if (name.includes('\0') || linkname.includes('\0')) throw new LifecycleError('ERR_TAR', `tar entry name contains NUL: ${JSON.stringify(name)}`);
  const mtime = Math.round((entry.mtime ?? TAR_MTIME).getTime() / 1000);
  const fields: Fields = {
    name,
    prefix: '',
    linkname,
    mode: entry.mode & 0o7777,
    uid: entry.uid,
    gid: entry.gid,
    size,
    mtime,
    flag: TYPEFLAG[entry.type],
    devmajor: entry.devmajor ?? 0,
    devminor: entry.devminor ?? 0,
  };
  const pax: Record<string, string> = {};
  let ustar = true;
  let split: [string, string] | undefined;
  if (name.length > 100 || !isAscii(name)) {
    pax['path'] = name;
    split = splitUstar(name);
    if (!split) ustar = false;
  }
  if (linkname.length > 100 || !isAscii(linkname)) {
    pax['linkpath'] = linkname;
    ustar = false;
  }
  if (!fitsOctal(8, entry.uid)) (pax['uid'] = String(entry.uid)), (ustar = false);
  if (!fitsOctal(8, entry.gid)) (pax['gid'] = String(entry.gid)), (ustar = false);
  if (!fitsOctal(12, size)) (pax['size'] = String(size)), (ustar = false);
  if (!fitsOctal(12, mtime)) (pax['mtime'] = String(mtime)), (ustar = false);
  if (ustar) {
    if (split) [fields.prefix, fields.name] = split;
    return { fields };
  }
  return { fields, pax };
}

/** TAR_MTIME in seconds: the mtime of nearly every entry. */
const TAR_MTIME_SECONDS = Math.round(TAR_MTIME.getTime() / 1000);
/** Sum of the constant bytes of a fast-path header: 8 checksum spaces and `ustar\0` `00`. */
const CONSTANT_SUM = 8 * 0x20 + [...Buffer.from('ustar\u000000', 'latin1')].reduce((a, b) => a + b, 0);

/** Copies an ASCII string (no NUL) byte by byte; returns its byte sum, or -1 (nothing to undo: the caller refills). */
function putAscii(out: Buffer, off: number, s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= 0x80) return -1;
    out[off + i] = c;
    sum += c;
  }
  return sum;
}

/** Zero-padded octal of `n` (which fits) in `width - 1` digits plus NUL; returns the byte sum. */
function putOctal(out: Buffer, off: number, width: number, n: number): number {
  let sum = 0;
  for (let i = off + width - 2; i >= off; i--) {
    const d = 0x30 + (n % 8);
    out[i] = d;
    sum += d;
    n = Math.floor(n / 8);
  }
  out[off + width - 1] = 0;
  return sum;
}

/**
 * The common case without intermediate objects: ASCII name and link name of at most 100 bytes, numbers that
 * fit. Gives exactly the bytes of `block(prepare(...))` (test/unit/archive/header-fast.test.ts). Returns false
 * (out possibly dirtied inside the 512 bytes) when the entry needs the general path.
 */
function writeFast(entry: TarEntry, size: number, out: Buffer, off: number): boolean {
  const name = entry.path;
  const linkname = entry.linkname ?? '';
  if (name.length > 100 || linkname.length > 100) return false;
  const mtime = entry.mtime === undefined ? TAR_MTIME_SECONDS : Math.round(entry.mtime.getTime() / 1000);
  const mode = entry.mode & 0o7777;
  const devmajor = entry.devmajor ?? 0;
  const devminor = entry.devminor ?? 0;
  if (!fitsOctal(8, entry.uid) || !fitsOctal(8, entry.gid) || !fitsOctal(12, size) || !fitsOctal(12, mtime)) return false;
  out.fill(0, off, off + BLOCK);
  const nameSum = putAscii(out, off, name);
  const linkSum = putAscii(out, off + 157, linkname);
  if (nameSum < 0 || linkSum < 0) return false;
  const flag = TYPEFLAG[entry.type];
  let sum = CONSTANT_SUM + nameSum + linkSum + flag;
  sum += putOctal(out, off + 100, 8, mode);
  sum += putOctal(out, off + 108, 8, entry.uid);
  sum += putOctal(out, off + 116, 8, entry.gid);
  sum += putOctal(out, off + 124, 12, size);
  sum += putOctal(out, off + 136, 12, mtime);
  out[off + 156] = flag;
  out.write('ustar\u000000', off + 257, 8, 'latin1');
  sum += putOctal(out, off + 329, 8, fitsOctal(8, devmajor) ? devmajor : 0);
  sum += putOctal(out, off + 337, 8, fitsOctal(8, devminor) ? devminor : 0);
  putOctal(out, off + 148, 7, sum);
  out[off + 155] = 0x20;
  return true;
}

/**
 * Writes a USTAR header for `entry` straight into `out` at `off` when it needs no PAX records; returns false
 * otherwise (the 512 bytes at `off` may then hold garbage: the caller writes the PAX form there instead).
 * The fast path of the writer.
 */
export function writeUstarInto(entry: TarEntry, size: number, out: Buffer, off: number): boolean {
  return writeFast(entry, size, out, off) || writeUstarGeneral(entry, size, out, off);
}

/** The general path alone (the fallback of `writeUstarInto`; tests compare it with the fast one). */
export function writeUstarGeneral(entry: TarEntry, size: number, out: Buffer, off: number): boolean {
  const p = prepare(entry, size);
  if (p.pax) return false;
  block(p.fields, out, off);
  return true;
}

/**
 * Encodes the header block(s) of one entry whose content is `size` bytes. Returns 512 bytes for USTAR, or a
 * PAX extended header (header + records padded to 512) followed by the main header.
 */
export function encodeHeader(entry: TarEntry, size: number): Buffer {
  const { fields, pax } = prepare(entry, size);
  if (!pax) {
    const out = Buffer.allocUnsafe(BLOCK);
    block(fields, out, 0);
    return out;
  }
  // PAX: sorted records in `<dir>/PaxHeaders.0/<base>`, then a main header whose string fields are the
  // ASCII-only, truncated forms (as Go writes them).
  const { name, linkname } = fields;
  const keys = Object.keys(pax).sort();
  const records = Buffer.from(keys.map((k) => paxRecord(k, pax[k] as string)).join(''), 'utf8');
  const padded = Math.ceil(records.byteLength / BLOCK) * BLOCK;
  const out = Buffer.alloc(BLOCK + padded + BLOCK);
  const slash = name.lastIndexOf('/');
  const paxName = toAscii(`${name.slice(0, slash + 1)}PaxHeaders.0/${name.slice(slash + 1)}`).slice(0, 100).replace(/\/+$/, '');
  block({ ...fields, name: paxName, linkname: '', mode: 0, uid: 0, gid: 0, size: records.byteLength, mtime: 0, flag: 0x78 }, out, 0, true);
  records.copy(out, BLOCK);
  block({ ...fields, name: toAscii(name).slice(0, 100), linkname: toAscii(linkname).slice(0, 100) }, out, BLOCK + padded);
  return out;
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE: Buffer = Buffer.alloc(2 * BLOCK);
