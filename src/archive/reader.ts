import { Transform, type Readable, type TransformCallback } from 'node:stream';
import tar from 'tar-stream';
import { LifecycleError } from '../errors/index.js';
import type { TarEntryType } from './entry.js';

/** A decoded tar header (GNU long names and PAX path/linkpath already applied by tar-stream). */
export interface TarHeader {
  readonly name: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkname: string;
  readonly mtime: Date;
  readonly devmajor: number;
  readonly devminor: number;
  readonly pax?: Readonly<Record<string, string>>;
}

/** One entry being read: the header and its body (read it before asking for the next entry, or it is skipped). */
export interface TarReadEntry {
  readonly header: TarHeader;
  readonly body: AsyncIterable<Buffer>;
}

const TYPES: Record<string, TarEntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'link',
  symlink: 'symlink',
  directory: 'directory',
  fifo: 'fifo',
  'character-device': 'char-device',
  'block-device': 'block-device',
};

/**
 * Pads a tar that stops right after its last entry's content (no block padding, no end-of-archive blocks,
 * as umoci 0.4 `insert` writes) with zeros; extra zero blocks after a proper end are ignored by the parser.
 * Integrity is not weakened: layer bytes are verified against their diffID by the caller.
 */
class ZeroTail extends Transform {
  private total = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.total += chunk.byteLength;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    cb(null, Buffer.alloc(((512 - (this.total % 512)) % 512) + 1024));
  }
}

/**
 * Reads a tar stream entry by entry (tar-stream's parser). Unknown entry types fail with ERR_TAR naming
 * `what`; so do corrupt headers. Bodies not consumed by the caller are drained automatically.
 */
export async function* readTar(source: Readable, what = 'tar archive'): AsyncGenerator<TarReadEntry> {
  const extract = tar.extract();
  const tail = new ZeroTail();
  source.on('error', (e) => extract.destroy(e));
  tail.on('error', (e) => extract.destroy(e));
  source.pipe(tail).pipe(extract);
  try {
    for await (const e of extract) {
      const h = e.header;
      const type = TYPES[h.type ?? 'file'];
      if (type === undefined) throw new LifecycleError('ERR_TAR', `${what}: entry ${h.name}: unsupported type '${String(h.type)}'`);
      const pax = (h.pax ?? undefined) as Record<string, string> | undefined;
      const num = (key: string, fallback: number) => (pax?.[key] !== undefined && /^\d+$/.test(pax[key] as string) ? Number(pax[key]) : fallback);
      const header: TarHeader = {
        name: h.name,
        type,
        mode: h.mode ?? 0,
        uid: num('uid', h.uid ?? 0),
        gid: num('gid', h.gid ?? 0),
        size: h.size ?? 0,
        linkname: h.linkname ?? '',
        mtime: h.mtime ?? new Date(0),
        devmajor: h.devmajor ?? 0,
        devminor: h.devminor ?? 0,
        ...(pax ? { pax } : {}),
      };
      yield { header, body: e as AsyncIterable<Buffer> };
      e.resume();
    }
  } catch (e) {
    if (e instanceof LifecycleError) throw e;
    throw new LifecycleError('ERR_TAR', `${what}: ${(e as Error).message}`, { cause: e });
  } finally {
    extract.destroy();
    source.unpipe?.(tail);
    tail.unpipe(extract);
    if (!source.readableEnded) source.destroy();
  }
}
