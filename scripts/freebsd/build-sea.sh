#!/bin/sh
# Builds the FreeBSD standalone lifecycle (Node SEA) ON A FREEBSD amd64 HOST. Untested: the machines this
# project is developed on have no FreeBSD node binary (none on the npm registry, none in Debian) and no
# FreeBSD VM. .github/workflows/release.yml runs this script in a FreeBSD VM. See docs/binaries.md.
#
#   pkg install -y node20 npm-node20          (FreeBSD 13.3+/14.x; any node >= 20.18 with SEA support)
#   sh scripts/freebsd/build-sea.sh
#
# Produces dist/freebsd-amd64/cnb/lifecycle/ (SEA `lifecycle`, phase symlinks, lifecycle.toml, launcher when
# phases/launcher/build.sh builds on FreeBSD), dist/freebsd-neutral/ and
# dist/lifecycle-v<version>+freebsd.x86-64.tgz. FreeBSD's node package links libuv, OpenSSL, ICU, nghttp2,
# brotli, c-ares and zlib from pkg as shared libraries (hence --allow-shared-node): the binary then needs those
# packages at run time, which this script lists with ldd. A fully self-contained binary needs a node built
# from source with the bundled libraries (./configure --fully-static is not supported on FreeBSD; use the
# defaults without --shared-*), then NODE=/path/to/that/node sh scripts/freebsd/build-sea.sh.
set -eu
cd "$(dirname "$0")/../.."
NODE=${NODE:-node}

[ "$(uname -s)" = FreeBSD ] || { echo "build-sea.sh: run this on FreeBSD (this is $(uname -s))" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "build-sea.sh: no node; pkg install -y node20 npm-node20" >&2; exit 2; }
"$NODE" -e '
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj < 20 || (maj === 20 && min < 18)) { console.error(`node ${process.version} is too old (need >= 20.18)`); process.exit(2); }
  if (process.config.variables.single_executable_application === false) { console.error("this node was built without SEA support"); process.exit(2); }
'

npm ci --no-audit --no-fund
# The launcher's build script defaults to musl-gcc; FreeBSD's base compiler is cc (clang).
CC=${CC:-cc} "$NODE" scripts/build-binaries.mjs --targets freebsd-amd64,freebsd-neutral --allow-shared-node

dir=dist/freebsd-amd64/cnb/lifecycle
echo "== shared libraries $dir/lifecycle needs at run time:"
ldd "$dir/lifecycle" || true

echo "== smoke test (no node on PATH)"
env -i PATH=/nonexistent "$dir/lifecycle" -version
env -i CNB_PLATFORM_API=0.12 "$dir/detector" -help | grep -q '^Usage: detector ' || { echo "detector dispatch failed" >&2; exit 1; }

version=$("$NODE" -p 'require("./package.json").version')
# bsdtar: -s renames cnb/lifecycle to lifecycle/ (REF's archive layout); --uid/--gid/--numeric-owner for reproducibility
tar -czf "dist/lifecycle-v$version+freebsd.x86-64.tgz" --uid 0 --gid 0 --numeric-owner -s ',^cnb/lifecycle,lifecycle,' -C dist/freebsd-amd64 cnb/lifecycle
tar -czf "dist/lifecycle-v$version+freebsd.neutral.tgz" --uid 0 --gid 0 --numeric-owner -s ',^cnb/lifecycle,lifecycle,' -C dist/freebsd-neutral cnb/lifecycle
ls -l dist/*.tgz
