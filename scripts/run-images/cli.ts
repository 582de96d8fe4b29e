/**
 * Run image generator command line (bundled and run by run.mjs):
 *
 *   node scripts/run-images/run.mjs busybox|debian [--revision R] [--busybox PATH] [--suite S] [--cache-dir D]
 *        [--oci DIR:TAG] [--layout-dir DIR --ref REF] [--registry REF [--insecure-registry HOST]...]
 *
 * At least one destination. Prints one line per destination with the manifest digest and image ID.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Image } from '../../src/image/index.js';
import { LayerWriter } from '../../src/layer/index.js';
import { busyboxRunImage } from './busybox.js';
import { debianRootfsTar, debianRunImage } from './debian.js';
import { describeTarget, saveRunImage, type RunImageTarget } from './save.js';

function usage(msg: string): never {
  process.stderr.write(`run-images: ${msg}\nusage: run.mjs busybox|debian [--revision R] [--busybox PATH] [--suite S] [--cache-dir D] [--oci DIR:TAG] [--layout-dir DIR --ref REF] [--registry REF [--insecure-registry HOST]]\n`);
  process.exit(2);
}

/** Parses `--name value` pairs (repeatable). */
function parse(argv: string[]): { kind: string; opts: Map<string, string[]> } {
  const [kind, ...rest] = argv;
  if (kind !== 'busybox' && kind !== 'debian') usage(`unknown run image '${kind ?? ''}'`);
  const opts = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i];
    const v = rest[i + 1];
    if (!k?.startsWith('--') || v === undefined) usage(`bad argument '${k ?? ''}'`);
    opts.set(k.slice(2), [...(opts.get(k.slice(2)) ?? []), v]);
  }
  return { kind, opts };
}

function targets(opts: Map<string, string[]>): RunImageTarget[] {
  const one = (k: string) => opts.get(k)?.at(-1);
  const out: RunImageTarget[] = [];
  const oci = one('oci');
  if (oci) {
    const i = oci.lastIndexOf(':');
    if (i <= 0) usage('--oci wants DIR:TAG');
    out.push({ kind: 'oci', dir: resolve(oci.slice(0, i)), tag: oci.slice(i + 1) });
  }
  const layoutDir = one('layout-dir');
  if (layoutDir) {
    const ref = one('ref');
    if (!ref) usage('--layout-dir needs --ref');
    out.push({ kind: 'layout', layoutDir: resolve(layoutDir), ref });
  }
  const registry = one('registry');
  if (registry) out.push({ kind: 'registry', ref: registry, insecureRegistries: opts.get('insecure-registry') ?? [] });
  if (out.length === 0) usage('no destination (--oci, --layout-dir/--ref or --registry)');
  return out;
}

async function main(): Promise<void> {
  const { kind, opts } = parse(process.argv.slice(2));
  const dests = targets(opts);
  const work = await mkdtemp(join(tmpdir(), 'run-image-'));
  try {
    const writer = new LayerWriter({ artifactsDir: join(work, 'artifacts') });
    let image: Image;
    const revision = opts.get('revision')?.at(-1);
    if (kind === 'busybox') {
      const busybox = opts.get('busybox')?.at(-1);
      image = await busyboxRunImage({ writer, ...(busybox ? { busybox } : {}), ...(revision !== undefined ? { revision } : {}) });
    } else {
      const suite = opts.get('suite')?.at(-1) ?? 'bookworm';
      const cacheDir = resolve(opts.get('cache-dir')?.at(-1) ?? '.tmp/run-images');
      const tarPath = await debianRootfsTar({ cacheDir, suite, log: (l) => process.stdout.write(`run-images: ${l}\n`) });
      image = await debianRunImage({ writer, tarPath, suite });
    }
    for (const d of dests) {
      const r = await saveRunImage(image, d);
      process.stdout.write(`run-images: ${kind} → ${describeTarget(d)}: digest ${r.digest ?? '-'} image-id ${r.imageId}\n`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`run-images: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
