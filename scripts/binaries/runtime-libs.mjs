// The shared libraries a SEA binary needs (glibc, libstdc++, libgcc_s: node is dynamically linked), copied
// into dist/<target>/runtime/ at the paths the binary's own ELF interpreter searches, so that the lifecycle
// image can be `FROM scratch` and still run its phases (pack runs some phases in the lifecycle image).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function readelf(args) {
  const r = spawnSync('readelf', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`readelf ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** DT_NEEDED entries of an ELF file (any CPU: readelf is target-neutral). */
function needed(file) {
  return [...readelf(['-d', file]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] ?? '');
}

/** PT_INTERP of an ELF executable, e.g. /lib64/ld-linux-x86-64.so.2. */
function interpreter(file) {
  return /Requesting program interpreter: ([^\]]+)\]/.exec(readelf(['-l', file]))?.[1];
}

/**
 * Copies the interpreter and the transitive DT_NEEDED closure of `binary`, found in `searchDirs` (the host's
 * multiarch dirs, or a cross sysroot such as /usr/aarch64-linux-gnu/lib), into `outDir` as
 * /lib/<triplet>/<soname> and the interpreter's own path. Returns a note when it cannot (no readelf or libs).
 * @param {string} binary @param {{ triplet: string, search: string[] }} spec @param {string} outDir
 */
export async function collectRuntime(binary, spec, outDir) {
  if (spawnSync('readelf', ['--version'], { stdio: 'ignore' }).error) return 'runtime libraries not collected (readelf missing)';
  await rm(outDir, { recursive: true, force: true });
  const interp = interpreter(binary);
  if (!interp) return 'runtime libraries not collected (binary is static or has no interpreter)';
  const find = (soname) => spec.search.map((d) => join(d, soname)).find((p) => existsSync(p));
  const seen = new Set([basename(interp)]);
  const queue = [binary];
  const copies = [];
  const interpSrc = find(basename(interp)) ?? (existsSync(interp) && spec.search.length === 0 ? interp : undefined);
  if (!interpSrc) return `runtime libraries not collected (${basename(interp)} not found in ${spec.search.join(', ')})`;
  copies.push([interpSrc, join(outDir, interp)]);
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    for (const soname of needed(file)) {
      if (seen.has(soname)) continue;
      seen.add(soname);
      const src = find(soname);
      if (!src) return `runtime libraries not collected (${soname} not found in ${spec.search.join(', ')})`;
      copies.push([src, join(outDir, 'lib', spec.triplet, soname)]);
      queue.push(src);
    }
  }
  for (const [src, dest] of copies) {
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(src, dest); // copyFile follows the soname symlink to the real library
  }
  return undefined;
}
