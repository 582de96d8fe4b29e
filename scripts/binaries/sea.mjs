// Node single executable application (SEA): a preparation blob made by this node from the CJS bundle, then
// injected with postject into a copy of a node binary (ELF or PE) as the NODE_SEA_BLOB resource.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** Node's SEA fuse: postject flips it so the binary runs the embedded blob instead of acting as node. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Runs a tool quietly; on failure throws with its output (so a broken build explains itself). */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
}

/** True when `cmd` runs (used to probe optional tools: strip variants, osslsigncode). */
export function hasTool(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/**
 * Writes the SEA preparation blob for `mainScript` to `blobPath`.
 * A V8 code cache is only valid for the V8 build that made it, so it is only asked for when the target binary
 * is this node's own platform and version (it saves start-up compile time of the bundle).
 */
export async function makeBlob(mainScript, blobPath, { codeCache }) {
  const config = join(dirname(blobPath), `${blobPath.split('/').pop()}.sea.json`);
  await writeFile(
    config,
    JSON.stringify({ main: mainScript, output: blobPath, disableExperimentalSEAWarning: true, useCodeCache: codeCache, useSnapshot: false }),
  );
  run(process.execPath, ['--experimental-sea-config', config]);
  await rm(config, { force: true });
}

/**
 * Copies `nodeBin` to `outBin`, strips it (when a strip for its format exists), drops a Windows Authenticode
 * signature (postject would leave it broken), and injects the blob.
 * @returns {Promise<string[]>} notes on what was skipped
 */
export async function makeSeaBinary(nodeBin, blobPath, outBin, target) {
  const notes = [];
  await rm(outBin, { force: true });
  const strip = (target.strip ?? []).find(hasTool);
  if (strip) {
    // Strip before injection: the SEA resource must not be touched afterwards. binutils warns about node's
    // many .note sections; the warnings are harmless.
    run(strip, ['--strip-all', '-o', outBin, nodeBin]);
  } else {
    await copyFile(nodeBin, outBin);
    if ((target.strip ?? []).length > 0) notes.push(`not stripped (none of ${target.strip.join(', ')} found)`);
  }
  await chmod(outBin, 0o755);
  if (target.exe === '.exe') {
    if (hasTool('osslsigncode')) {
      const unsigned = `${outBin}.unsigned`;
      run('osslsigncode', ['remove-signature', '-in', outBin, '-out', unsigned]);
      await rm(outBin);
      await copyFile(unsigned, outBin);
      await rm(unsigned);
    } else {
      notes.push('Authenticode signature of node.exe left in place (osslsigncode missing): it is invalid after injection');
    }
  }
  await chmod(outBin, 0o755);
  // postject in a child: its LIEF core prints harmless warnings about node's many .note sections to fd 2.
  run(process.execPath, [require.resolve('postject/dist/cli.js'), outBin, 'NODE_SEA_BLOB', blobPath, '--sentinel-fuse', SEA_FUSE, '--macho-segment-name', 'NODE_SEA']);
  return notes;
}
