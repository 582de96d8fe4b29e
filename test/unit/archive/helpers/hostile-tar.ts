import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack, type Header } from 'tar-stream';
import { collect } from '../../../../src/stream/index.js';
import { tmpDir } from '../../../helpers/tmpdir.js';

/** One entry for `tarOf`: tar-stream header fields plus an optional string body. */
export type E = Partial<Header> & { name: string; body?: string };

/** Builds a tar with tar-stream (an independent writer), exactly as given, however malicious. */
export async function tarOf(entries: E[]): Promise<Readable> {
  const p = pack();
  const done = collect(p as unknown as AsyncIterable<Uint8Array>);
  for (const { body, ...h } of entries) {
    await new Promise<void>((res, rej) => p.entry({ mode: 0o644, ...h }, body ?? '', (err) => (err ? rej(err) : res())));
  }
  p.finalize();
  return Readable.from([await done]);
}

/** A fresh `target` to extract into and an `outside` directory holding `secret`, which must stay untouched. */
export async function extractSetup(): Promise<{ root: string; target: string; outside: string }> {
  const root = await tmpDir();
  const target = join(root, 'target');
  const outside = join(root, 'outside');
  mkdirSync(target);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'untouched');
  return { root, target, outside };
}
