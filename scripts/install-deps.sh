#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine: npm packages (npm ci) and the real peers
# from Debian packages (registry, skopeo, umoci, runc, podman, ...; see ../shared/TOOLING.md). Idempotent:
# packages already installed are skipped, so a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  docker-registry apache2-utils openssl ca-certificates curl
  skopeo umoci oci-image-tool runc podman buildah busybox-static
  musl-tools gcc-mingw-w64-x86-64 uidmap mmdebstrap hyperfine
  wine wine64 qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross binutils-aarch64-linux-gnu
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
