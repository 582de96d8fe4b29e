#!/usr/bin/env bash
# Builds the native launcher (DESIGN "The launcher is the one native part").
#   bash phases/launcher/build.sh DEST              static Linux x86-64 binary (musl-gcc -static -Os)
#   bash phases/launcher/build.sh --windows DEST    Windows x86-64 .exe (x86_64-w64-mingw32-gcc, static)
# Fails when the result exceeds 4 MiB. CC / WINCC override the compilers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target=linux
if [[ "${1:-}" == "--windows" ]]; then target=windows; shift; fi
dest="${1:?usage: build.sh [--windows] DEST}"
mkdir -p "$(dirname "$dest")"

common=(-std=c11 -Os -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections)
srcs=("$here/main.c" "$here/desc.c" "$here/env.c" "$here/toml.c" "$here/util.c")
tmp="$dest.tmp.$$"
trap 'rm -f "$tmp"' EXIT

if [[ $target == linux ]]; then
  cc="${CC:-musl-gcc}"
  "$cc" "${common[@]}" -D_POSIX_C_SOURCE=200809L -static -s -Wl,--gc-sections -o "$tmp" "${srcs[@]}" "$here/posix.c"
else
  cc="${WINCC:-x86_64-w64-mingw32-gcc}"
  "$cc" "${common[@]}" -static -s -Wl,--gc-sections -o "$tmp" "${srcs[@]}" "$here/windows.c"
fi

size=$(stat -c %s "$tmp")
if (( size > 4 * 1024 * 1024 )); then
  echo "launcher: $dest is $size bytes, above the 4 MiB limit" >&2
  exit 1
fi
chmod 0755 "$tmp"
mv -f "$tmp" "$dest"
trap - EXIT
echo "launcher: built $dest ($target, $size bytes)"
