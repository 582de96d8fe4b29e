/**
 * The static busybox run image: one layer with Debian's busybox-static binary (no libc anywhere in the
 * image), a symlink per applet, /etc/passwd and /etc/group with root, cnb (1000:1000) and nobody, a home
 * for cnb, /tmp. Entries are built in memory in sorted order with the constant mtime, so the same busybox
 * binary always gives the same diffID, digest, image ID and manifest digest.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { compareNames, type TarEntry } from '../../src/archive/index.js';
import type { Image } from '../../src/image/index.js';
import { FileLayer, type LayerWriter } from '../../src/layer/index.js';
import { CNB_GID, CNB_UID, runImage } from './run-image.js';

/** Options of the busybox run image. */
export interface BusyboxOptions {
  /** Where layers are written. */
  readonly writer: LayerWriter;
  /** The static busybox binary (default /bin/busybox from Debian's busybox-static). */
  readonly busybox?: string;
  /**
   * A revision written to /etc/cnb-run-image-revision and the label io.buildpacks.samples.revision: a
   * different revision is a "new version" of the run image (another top layer), e.g. for a rebase.
   */
  readonly revision?: string;
}

/** The version of a busybox binary ("1.35.0"), from its banner. */
export function busyboxVersion(busybox: string): string {
  const banner = execFileSync(busybox, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] ?? '';
  const m = /BusyBox v([0-9][^\s]*)/.exec(banner);
  if (!m?.[1]) throw new Error(`${busybox} is not a busybox binary (banner: '${banner}')`);
  return m[1];
}

/** The applet paths of a busybox binary (`bin/sh`, `usr/bin/env`, ...), without `bin/busybox` itself. */
export function busyboxApplets(busybox: string): string[] {
  const out = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().replace(/^\/+/, ''))
    .filter((l) => l !== '' && l !== 'bin/busybox');
}

const text = (s: string) => new TextEncoder().encode(s);

/** The in-memory tar entries of the busybox root file system, sorted. */
export function busyboxEntries(busybox: string, revision?: string): TarEntry[] {
  const version = busyboxVersion(busybox);
  const root = { uid: 0, gid: 0 };
  const dirs: Record<string, number> = {
    bin: 0o755, dev: 0o755, etc: 0o755, home: 0o755, proc: 0o755, root: 0o700, sbin: 0o755, sys: 0o755,
    tmp: 0o1777, usr: 0o755, 'usr/bin': 0o755, 'usr/sbin': 0o755, var: 0o755, 'var/tmp': 0o1777,
  };
  const entries = new Map<string, TarEntry>();
  for (const [path, mode] of Object.entries(dirs)) entries.set(path, { path, type: 'directory', mode, ...root });
  entries.set('home/cnb', { path: 'home/cnb', type: 'directory', mode: 0o755, uid: CNB_UID, gid: CNB_GID });
  const file = (path: string, content: string, mode = 0o644) => entries.set(path, { path, type: 'file', mode, ...root, data: text(content) });
  file('etc/passwd', `root:x:0:0:root:/root:/bin/sh\ncnb:x:${CNB_UID}:${CNB_GID}:cnb:/home/cnb:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`);
  file('etc/group', `root:x:0:\ncnb:x:${CNB_GID}:\nnogroup:x:65534:\n`);
  file('etc/os-release', `NAME="BusyBox"\nID=busybox\nVERSION_ID=${version}\nPRETTY_NAME="BusyBox v${version} (static)"\n`);
  if (revision !== undefined) file('etc/cnb-run-image-revision', `${revision}\n`);
  entries.set('bin/busybox', { path: 'bin/busybox', type: 'file', mode: 0o755, ...root, size: statSync(busybox).size, source: busybox });
  for (const applet of busyboxApplets(busybox)) {
    if (entries.has(applet)) continue;
    entries.set(applet, { path: applet, type: 'symlink', mode: 0o777, ...root, linkname: '/bin/busybox' });
  }
  return [...entries.values()].sort((a, b) => compareNames(a.path, b.path));
}

/** Builds the busybox run image (its layer is written by `writer`; the image itself is lazy). */
export async function busyboxRunImage(options: BusyboxOptions): Promise<Image> {
  const busybox = options.busybox ?? '/bin/busybox';
  const version = busyboxVersion(busybox);
  const file = await options.writer.write(busyboxEntries(busybox, options.revision));
  return runImage({
    distroName: 'busybox',
    distroVersion: version,
    layers: [{ layer: new FileLayer(file), createdBy: `busybox-static ${version} with applet links, users root, cnb (${CNB_UID}), nobody` }],
    ...(options.revision !== undefined ? { labels: { 'io.buildpacks.samples.revision': options.revision } } : {}),
  });
}
