// Finds the official node binary for a target: the local node when it is a self-contained official build for
// this OS and CPU, else the binary inside the `node-<os>-<cpu>` npm package of the same version, fetched with
// `npm pack` (the npm registry is the only network these machines reach) and cached under dist/.cache/node/.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The node version every binary is made from: SEA blobs must come from the same node as the binary. */
export const NODE_VERSION = process.versions.node;

/**
 * True when this process's node can be the base of a standalone binary: official-style build with the SEA
 * fuse and no shared libnode/openssl/libuv/... (Debian's own nodejs package links those, so it is not).
 */
export function localNodeUsable() {
  const v = /** @type {Record<string, unknown>} */ (process.config.variables);
  if (v['single_executable_application'] === false) return false;
  const shared = Object.entries(v).filter(([k, val]) => /^node_shared(_|$)/.test(k) && val === true);
  return shared.length === 0;
}

/**
 * Returns the path of a node binary for `target` (never modified; callers copy it).
 * @param {import('./targets.mjs').Target} target
 * @param {string} cacheDir  dist/.cache/node
 * @param {{ preferLocal?: boolean, allowShared?: boolean, log: (s: string) => void }} opts
 * @returns {Promise<{ path: string, source: string }>}
 */
export async function nodeBinaryFor(target, cacheDir, opts) {
  if (target.hostLike && opts.preferLocal !== false && (opts.allowShared || localNodeUsable())) {
    return { path: process.execPath, source: `local node ${process.version} (${process.execPath})` };
  }
  if (!target.npmPackage || !target.nodePath) {
    const why = target.hostLike ? 'the local node links shared libraries (pass --allow-shared-node)' : `build it on a ${target.name} host`;
    throw new Error(`target ${target.name}: no node binary to build from: ${why}`);
  }
  const spec = `${target.npmPackage}@${NODE_VERSION}`;
  const dir = join(cacheDir, `${target.npmPackage}-${NODE_VERSION}`);
  const bin = join(dir, target.nodePath.replace(/^package\//, ''));
  if (!existsSync(bin)) {
    opts.log(`fetching ${spec} with npm pack (npm registry)`);
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    // npm pack checks the tarball against the registry's sha512 integrity before writing it.
    const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', tmp], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    const info = JSON.parse(out)[0];
    execFileSync('tar', ['-xzf', join(tmp, info.filename), '-C', tmp, target.nodePath], { stdio: 'inherit' });
    await mkdir(join(tmp, 'bin'), { recursive: true });
    await rename(join(tmp, target.nodePath), join(tmp, 'bin', target.nodePath.split('/').pop() ?? 'node'));
    await rm(join(tmp, info.filename), { force: true });
    await rm(join(tmp, 'package'), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  await chmod(bin, 0o755);
  if ((await stat(bin)).size < 10_000_000) throw new Error(`${bin}: too small to be a node binary`);
  return { path: bin, source: `npm ${spec}` };
}
