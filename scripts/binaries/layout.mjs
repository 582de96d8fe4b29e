// The /cnb/lifecycle layout around the multi-call binary: phase links, lifecycle.toml, the native launcher,
// and the stamp that lets a rebuild be skipped when nothing that goes into the binary changed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, link, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHASES } from './targets.mjs';

/**
 * One link per phase: a relative symlink `<phase> -> lifecycle` (argv[0] dispatch), or on Windows a hard
 * link `<phase>.exe` of `lifecycle.exe` (dispatch by the exe's base name; copied where hard links fail).
 */
export async function writePhaseLinks(dir, target) {
  for (const phase of PHASES) {
    const dest = join(dir, `${phase}${target.exe ?? ''}`);
    await rm(dest, { force: true });
    if (target.phaseLinks === 'exe-links') {
      const main = join(dir, `lifecycle${target.exe}`);
      await link(main, dest).catch(() => copyFile(main, dest));
    } else {
      await symlink(`lifecycle${target.exe ?? ''}`, dest);
    }
  }
}

/**
 * Puts the native launcher into `dir` (`launcher` or `launcher.exe`). Uses phases/launcher/build.sh when it
 * exists and knows the target (its flag appears in the script), else a launcher `npm run build` made for this
 * host. Returns a note when there is no launcher for the target.
 */
export function placeLauncher(root, dir, target) {
  const dest = join(dir, `launcher${target.exe ?? ''}`);
  const script = join(root, 'phases', 'launcher', 'build.sh');
  const flags = target.launcherArgs ?? [];
  const scriptText = existsSync(script) ? readFileSync(script, 'utf8') : '';
  const known = flags.every((f) => scriptText.includes(f));
  if (scriptText && known) {
    try {
      execFileSync('bash', [script, ...flags, dest], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (existsSync(dest)) return undefined;
    } catch (e) {
      return `launcher not built: phases/launcher/build.sh ${flags.join(' ')} failed (${e instanceof Error ? e.message.split('\n')[0] : e})`;
    }
  }
  const hostBuilt = join(root, 'dist', 'cnb', 'lifecycle', 'launcher');
  if (target.name === 'linux-amd64' && process.arch === 'x64' && process.platform === 'linux' && existsSync(hostBuilt)) {
    execFileSync('cp', ['-p', hostBuilt, dest]);
    return undefined;
  }
  if (!scriptText) return 'launcher not included: phases/launcher/build.sh does not exist yet';
  return `launcher not included: phases/launcher/build.sh has no ${flags.join(' ')} support`;
}

/** sha256 hex of a string/buffer list (the rebuild key). */
export function keyOf(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : p).update('\0');
  return h.digest('hex');
}

/** Reads dist/<target>/.stamp.json, or undefined. */
export async function readStamp(targetDir) {
  try {
    return JSON.parse(await readFile(join(targetDir, '.stamp.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes dist/<target>/.stamp.json (key, node source, sizes, notes) for the cache and for reports. */
export async function writeStamp(targetDir, stamp) {
  await writeFile(join(targetDir, '.stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
}
