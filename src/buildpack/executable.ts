import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The operating systems a buildpack executable can target. */
export type HostOs = 'linux' | 'windows';

/** The OS this process runs on, for executable lookup and env rules (path separator, case). */
export function hostOs(): HostOs {
  return process.platform === 'win32' ? 'windows' : 'linux';
}

/** The candidate file names of executable `name` on `os`: `bin/<name>` or `bin/<name>.bat`/`.exe`. */
export function executableNames(name: string, os: HostOs): string[] {
  return os === 'windows' ? [`${name}.bat`, `${name}.exe`] : [name];
}

/**
 * Finds `<dir>/bin/<name>` (Linux) or `<dir>/bin/<name>.bat|.exe` (Windows); undefined when none is a
 * regular file. Executability is not checked here: running a non-executable file is a detect/build error.
 */
export async function findExecutable(dir: string, name: string, os: HostOs = hostOs()): Promise<string | undefined> {
  for (const file of executableNames(name, os)) {
    const p = join(dir, 'bin', file);
    try {
      if ((await stat(p)).isFile()) return p;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** The path an executable would have (first candidate), for messages about a missing one. */
export function executablePath(dir: string, name: string, os: HostOs = hostOs()): string {
  return join(dir, 'bin', executableNames(name, os)[0]!);
}
