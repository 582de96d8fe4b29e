#!/usr/bin/env node
// Builds dist/cnb/lifecycle/ as on a builder image: the `lifecycle` multi-call executable (one esbuild
// bundle run by the local node until the standalone binaries land), one symlink per phase, lifecycle.toml
// and, when its toolchain exists, the native launcher.
import { build } from 'esbuild';
import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', 'cnb', 'lifecycle');
const PHASES = ['analyzer', 'detector', 'restorer', 'builder', 'exporter', 'creator', 'rebaser', 'extender'];
const PLATFORM_APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14', '0.15'];
const BUILDPACK_APIS = ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12'];

/**
 * yargs' `helpers` entry imports its platform shim (cliui, string-width, y18n, ...) only for
 * `applyExtends`, which we never call; evaluating it costs ~45 ms of start-up in every phase. The bundle
 * replaces that one module with an empty shim; `Parser` (yargs-parser) is untouched.
 */
const skipYargsShim = {
  name: 'skip-yargs-platform-shim',
  setup(b) {
    b.onResolve({ filter: /platform-shims\/esm\.mjs$/ }, (args) =>
      args.importer.includes(`${join('yargs', 'helpers')}`) ? { path: args.path, namespace: 'yargs-shim-stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'yargs-shim-stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

/** The single CommonJS bundle (CJS so that Node SEA and pkg can embed it unchanged). */
export async function bundle(outfile) {
  await build({
    entryPoints: [join(root, 'phases', 'lifecycle.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Whitespace and syntax only (names kept for readable stacks): a smaller script compiles faster.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [skipYargsShim],
    sourcemap: false,
    legalComments: 'none',
    // yargs is ESM and asks import.meta.url for createRequire; give the CJS bundle its own file URL.
    banner: { js: "#!/usr/bin/env node\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { __LIFECYCLE_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__importMetaUrl' },
    logLevel: 'warning',
  });
}

/** lifecycle.toml: the API versions this lifecycle supports. */
export function lifecycleToml() {
  const list = (xs) => `[${xs.map((x) => `"${x}"`).join(', ')}]`;
  return (
    `[apis]\n[apis.buildpack]\n  deprecated = []\n  supported = ${list(BUILDPACK_APIS)}\n` +
    `[apis.platform]\n  deprecated = []\n  supported = ${list(PLATFORM_APIS)}\n\n` +
    `[lifecycle]\n  version = "${pkg.version}"\n`
  );
}

/** Builds the native launcher when phases/launcher has a build script and its compiler is present. */
function buildLauncher(dest) {
  const script = join(root, 'phases', 'launcher', 'build.sh');
  if (!existsSync(script)) return false;
  execFileSync('bash', [script, dest], { stdio: 'inherit' });
  return existsSync(dest);
}

async function main() {
  await rm(join(root, 'dist', 'cnb'), { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  // The bundle is CommonJS; this stops the repository's "type": "module" from applying to dist/.
  await writeFile(join(root, 'dist', 'package.json'), '{ "type": "commonjs" }\n');
  const lifecycle = join(out, 'lifecycle');
  await bundle(lifecycle);
  await chmod(lifecycle, 0o755);
  for (const phase of PHASES) await symlink('lifecycle', join(out, phase));
  if (!buildLauncher(join(out, 'launcher'))) {
    process.stderr.write('warning: native launcher not built (phases/launcher/build.sh or its compiler missing)\n');
  }
  await writeFile(join(out, 'lifecycle.toml'), lifecycleToml());
  process.stdout.write(`built ${out}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
