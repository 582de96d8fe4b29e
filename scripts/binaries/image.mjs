#!/usr/bin/env node
// Builds the lifecycle image from host-built binaries (Dockerfile, SOURCE=prebuilt) with buildah, no engine:
//   node scripts/binaries/image.mjs --tag localhost/lifecycle:dev [--platform linux/amd64] [--root DIR]
//        [--push docker://127.0.0.1:5000/lifecycle:dev]
// Run `npm run build:binaries` first. The labels' values come from package.json and lifecycleToml(), passed as
// build args (the Dockerfile's defaults are only for builds without this script). --root keeps buildah's
// storage (vfs driver) in DIR; CONTAINERS_CONF is set to a config that works on these machines when unset.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lifecycleToml } from '../build.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The io.buildpacks.lifecycle.apis label: {"buildpack":{deprecated,supported},"platform":{...}} (REF's shape). */
export function apisLabel(toml = lifecycleToml()) {
  const { apis } = require('@iarna/toml').parse(toml);
  const pick = (a) => ({ deprecated: a?.deprecated ?? [], supported: a?.supported ?? [] });
  return JSON.stringify({ buildpack: pick(apis?.buildpack), platform: pick(apis?.platform) });
}

/** The io.buildpacks.lifecycle.version label. */
export function versionLabel() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

function containersConf() {
  if (process.env.CONTAINERS_CONF) return process.env.CONTAINERS_CONF;
  const file = join(tmpdir(), 'lifecycle-containers.conf');
  // TOOLING.md: rlimits cannot be raised on these VMs, crun fails on this cgroup layout.
  writeFileSync(file, '[containers]\ndefault_ulimits=["nofile=1024:1024","nproc=4096:4096"]\n[engine]\nruntime="runc"\n');
  return file;
}

function main(argv) {
  const o = { tag: 'localhost/lifecycle:dev', platform: 'linux/amd64', root: undefined, push: undefined };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]?.replace(/^--/, '');
    if (!k || !(k in o)) throw new Error(`unknown option ${argv[i]}`);
    o[k] = argv[++i];
  }
  const global = o.root ? ['--root', join(o.root, 'root'), '--runroot', join(o.root, 'runroot'), '--storage-driver', 'vfs'] : [];
  if (o.root) mkdirSync(o.root, { recursive: true });
  const env = { ...process.env, CONTAINERS_CONF: containersConf() };
  const buildah = (args) => {
    const r = spawnSync('buildah', [...global, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env, cwd: root });
    if (r.status !== 0) throw new Error(`buildah ${args[0]} failed (${r.error?.message ?? r.status})`);
  };
  buildah([
    'bud', '--network', 'host', '--isolation', 'chroot', '--platform', o.platform, '--layers=false', '-q',
    '--build-arg', 'SOURCE=prebuilt',
    '--build-arg', `LIFECYCLE_VERSION=${versionLabel()}`,
    '--build-arg', `LIFECYCLE_APIS=${apisLabel()}`,
    '-f', 'Dockerfile', '-t', o.tag, '.',
  ]);
  if (o.push) buildah(['push', '--tls-verify=false', '-q', o.tag, o.push]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`image: ERROR: ${e instanceof Error ? e.message : e}\n`);
    process.exitCode = 1;
  }
}
