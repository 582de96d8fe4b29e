/**
 * The Debian run image: `mmdebstrap --variant=minbase <suite>` into a tarball (cached under a directory,
 * keyed by the date and the hooks, so one bootstrap serves a whole day of runs), then one layer holding that
 * tarball byte for byte. The customize hooks blank apt's sources (the mirror's host never ends up in an
 * image or the repository) and add the cnb user (1000:1000) with a home directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Image } from '../../src/image/index.js';
import { tarFileLayer, type LayerWriter } from '../../src/layer/index.js';
import { debianMirror } from './mirror.js';
import { CNB_GID, CNB_UID, runImage } from './run-image.js';

const run = promisify(execFile);

/** Debian suites and their os-release VERSION_ID (io.buildpacks.base.distro.version). */
const VERSIONS: Record<string, string> = { bullseye: '11', bookworm: '12', trixie: '13' };

/** The customize hooks (each a shell command; `$1` is the new root). */
export const DEBIAN_HOOKS: readonly string[] = [
  'echo > "$1/etc/apt/sources.list"',
  'rm -f "$1"/etc/apt/sources.list.d/*',
  `echo 'cnb:x:${CNB_UID}:${CNB_GID}:cnb:/home/cnb:/bin/sh' >> "$1/etc/passwd"`,
  `echo 'cnb:x:${CNB_GID}:' >> "$1/etc/group"`,
  `echo 'cnb:!::0:99999:7:::' >> "$1/etc/shadow"`,
  `mkdir -p "$1/home/cnb" && chown ${CNB_UID}:${CNB_GID} "$1/home/cnb"`,
];

/** Why mmdebstrap cannot run here, or undefined when it can. */
export function mmdebstrapUnavailable(): string | undefined {
  try {
    execFileSync('mmdebstrap', ['--version'], { stdio: 'pipe' });
  } catch (e) {
    return `mmdebstrap cannot run here: ${(e as Error).message.split('\n')[0]}`;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'mmdebstrap needs root on this machine (root mode)';
  return undefined;
}

/** Options of the Debian root file system tarball. */
export interface DebianRootfsOptions {
  /** Where the tarballs are cached (e.g. `<repo>/.tmp/run-images`). */
  readonly cacheDir: string;
  /** Default bookworm. */
  readonly suite?: string;
  /** Default: the machine's apt source for the suite (mirror.ts). */
  readonly mirror?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** The date of the cache key (default today, UTC). */
  readonly now?: Date;
}

/**
 * The cached `debian-<suite>-<YYYYMMDD>-<hooks hash>.tar`, bootstrapping it when missing (~20 s). Older
 * tarballs of the same suite are removed. Concurrent callers each bootstrap into their own temp file and
 * rename, so a reader never sees half a tarball.
 */
export async function debianRootfsTar(o: DebianRootfsOptions): Promise<string> {
  const suite = o.suite ?? 'bookworm';
  const day = (o.now ?? new Date()).toISOString().slice(0, 10).replaceAll('-', '');
  const hooks = createHash('sha256').update(DEBIAN_HOOKS.join('\n')).digest('hex').slice(0, 12);
  const name = `debian-${suite}-${day}-${hooks}.tar`;
  const path = join(o.cacheDir, name);
  if (existsSync(path)) {
    o.log?.(`using cached ${path}`);
    return path;
  }
  const why = mmdebstrapUnavailable();
  if (why) throw new Error(why);
  await mkdir(o.cacheDir, { recursive: true });
  const mirror = o.mirror ?? debianMirror(suite);
  const tmp = join(o.cacheDir, `.tmp-${process.pid}-${Date.now()}-${name}`);
  o.log?.(`mmdebstrap --variant=minbase ${suite} (mirror from the apt sources) → ${path}`);
  try {
    await run('mmdebstrap', ['--variant=minbase', '--quiet', ...DEBIAN_HOOKS.map((h) => `--customize-hook=${h}`), suite, tmp, mirror], {
      maxBuffer: 64 << 20,
    });
    await rename(tmp, path);
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`mmdebstrap ${suite} failed: ${err.stderr?.trim() || err.message}`);
  } finally {
    await rm(tmp, { force: true });
  }
  for (const old of await readdir(o.cacheDir)) {
    if (old !== name && old.startsWith(`debian-${suite}-`) && old.endsWith('.tar')) await rm(join(o.cacheDir, old), { force: true });
  }
  return path;
}

/** Options of the Debian run image. */
export interface DebianRunImageOptions {
  readonly writer: LayerWriter;
  /** The root file system tarball (debianRootfsTar). */
  readonly tarPath: string;
  readonly suite?: string;
}

/** Builds the Debian run image from a root file system tarball (one layer, kept byte for byte). */
export async function debianRunImage(o: DebianRunImageOptions): Promise<Image> {
  const suite = o.suite ?? 'bookworm';
  const layer = await tarFileLayer(o.tarPath, { writer: o.writer });
  return runImage({
    distroName: 'debian',
    distroVersion: VERSIONS[suite] ?? suite,
    layers: [{ layer, createdBy: `mmdebstrap --variant=minbase ${suite}; user cnb (${CNB_UID})` }],
  });
}
