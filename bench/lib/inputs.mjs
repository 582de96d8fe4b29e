// Bench inputs, made on the spot from this machine's own files so that the content compresses like real
// layer content (binaries, libraries, text): deterministic for a given machine image, no downloads.
//   realFile(path, bytes)            one file: /usr/lib, /usr/bin, /usr/share files concatenated in sorted order
//   smallTree(dir, count, seed)      `count` files of 64 B..16 KiB (log-uniform, median 1 KiB) in a 2-level tree
import { closeSync, mkdirSync, openSync, readdirSync, readSync, lstatSync, rmSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['/usr/lib', '/usr/bin', '/usr/share'];

/** Regular files under the source dirs, sorted, at least 4 KiB each. */
function* sourceFiles() {
  for (const root of SOURCES) {
    const stack = [root];
    while (stack.length) {
      const d = stack.pop();
      let names;
      try {
        names = readdirSync(d).sort().reverse();
      } catch {
        continue;
      }
      for (const n of names) {
        const p = join(d, n);
        let st;
        try {
          st = lstatSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) stack.push(p);
        else if (st.isFile() && st.size >= 4096) yield p;
      }
    }
  }
}

/**
 * A continuous stream of real file content: each `fill` continues where the previous one stopped, so files
 * made one after the other hold different content (starting over at the first source when exhausted).
 */
export class RealContent {
  #files = sourceFiles();
  #fd = -1;
  #buf = Buffer.allocUnsafe(1 << 20);

  /** Writes `bytes` bytes to `path`. */
  fill(path, bytes) {
    const out = openSync(path, 'w');
    let left = bytes;
    try {
      while (left > 0) {
        if (this.#fd < 0) {
          let next = this.#files.next();
          if (next.done) {
            this.#files = sourceFiles();
            next = this.#files.next();
          }
          try {
            this.#fd = openSync(next.value, 'r');
          } catch {
            continue;
          }
        }
        const n = readSync(this.#fd, this.#buf, 0, Math.min(this.#buf.length, left), null);
        if (n <= 0) {
          closeSync(this.#fd);
          this.#fd = -1;
          continue;
        }
        writeSync(out, this.#buf, 0, n);
        left -= n;
      }
    } finally {
      closeSync(out);
    }
  }
}

/** Writes `bytes` bytes of real file content to `path` (from the first source on). */
export function realFile(path, bytes) {
  new RealContent().fill(path, bytes);
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let pool;
function contentPool() {
  if (!pool) {
    const tmp = `/tmp/cnb-bench-pool-${process.pid}`;
    realFile(tmp, 8 << 20);
    const fd = openSync(tmp, 'r');
    pool = Buffer.alloc(8 << 20);
    readSync(fd, pool, 0, pool.length, 0);
    closeSync(fd);
    rmSync(tmp, { force: true });
  }
  return pool;
}

/**
 * `count` small files in `dir`: 50 top directories × N subdirectories × 50 files, sizes log-uniform in
 * 64 B..16 KiB (median 1 KiB, mean ~2.9 KiB), contents sliced from real files. Returns total content bytes.
 */
export function smallTree(dir, count, seed = 1, name = 'file') {
  const rnd = prng(seed);
  const p = contentPool();
  const perSub = 50;
  const subs = Math.ceil(count / (50 * perSub));
  let made = 0;
  let bytes = 0;
  for (let a = 0; a < 50 && made < count; a++) {
    for (let b = 0; b < subs && made < count; b++) {
      const d = join(dir, `pkg-${a}`, `mod-${b}`);
      mkdirSync(d, { recursive: true });
      for (let c = 0; c < perSub && made < count; c++, made++) {
        const size = Math.floor(2 ** (6 + 8 * rnd()));
        const off = Math.floor(rnd() * (p.length - size));
        writeFileSync(join(d, `${name}-${c}.js`), p.subarray(off, off + size));
        bytes += size;
      }
    }
  }
  return bytes;
}

/**
 * An app-like layer tree of `mib` MiB in `dir`: 80 % in files of up to 16 MiB (runtimes, binaries), 20 % in
 * small files (log-uniform 64 B..16 KiB, ~2.9 KiB mean). Returns {files, bytes}.
 */
export function appTree(dir, mib, content, seed) {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  let big = Math.round(mib * 0.8 * 2 ** 20);
  let files = 0;
  let bytes = 0;
  for (let i = 0; big > 0; i++) {
    const n = Math.min(big, 16 << 20);
    content.fill(join(dir, 'bin', `blob-${i}.bin`), n);
    big -= n;
    bytes += n;
    files++;
  }
  const smallBytes = mib * 0.2 * 2 ** 20;
  const count = Math.max(1, Math.round(smallBytes / 2970));
  bytes += smallTree(join(dir, 'lib'), count, seed);
  return { files: files + count, bytes };
}

/** The 8 layer trees of benches 2-4 (MiB each; 1 GiB in all; env APP_MIB scales the total, for trials). */
export const APP_LAYER_MIB = [256, 192, 160, 128, 96, 96, 64, 32].map((x) => Math.max(1, Math.round((x * Number(process.env.APP_MIB ?? 1024)) / 1024)));

/** `sizes.length` app trees `<src>/l1..lN` (see appTree), one continuous content stream. */
export function appTrees(src, sizes = APP_LAYER_MIB) {
  const content = new RealContent();
  const names = sizes.map((_, i) => `l${i + 1}`);
  let files = 0;
  let bytes = 0;
  sizes.forEach((s, i) => {
    const r = appTree(join(src, names[i]), s, content, i + 1);
    files += r.files;
    bytes += r.bytes;
  });
  return { names, files, bytes };
}
