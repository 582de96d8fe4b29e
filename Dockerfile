# syntax=docker/dockerfile:1
# The lifecycle image: /cnb/lifecycle/{lifecycle, <phase> links, launcher, lifecycle.toml} on an empty base,
# plus the glibc/libstdc++ the Node SEA binary links (so the image can run its phases itself, as pack does
# for untrusted builders), labelled like REF's image. See docs/binaries.md.
#
# Full build (needs the node:20 image from a registry; cross-builds arm64 without emulation):
#   docker buildx build --platform linux/amd64,linux/arm64 -t lifecycle .
# From binaries built on the host by `npm run build:binaries` (no base image pulled):
#   buildah bud --build-arg SOURCE=prebuilt --platform linux/amd64 -t lifecycle .
#
# The label defaults must equal lifecycleToml() and package.json (test/integration/binaries checks it);
# scripts/binaries/image.mjs passes the current values as build args anyway.
ARG NODE_IMAGE=node:20-bookworm
ARG SOURCE=build
ARG LIFECYCLE_VERSION=0.1.0
ARG LIFECYCLE_APIS='{"buildpack":{"deprecated":[],"supported":["0.7","0.8","0.9","0.10","0.11","0.12"]},"platform":{"deprecated":[],"supported":["0.7","0.8","0.9","0.10","0.11","0.12","0.13","0.14","0.15"]}}'

# --- SOURCE=build: npm ci + build:binaries inside node:20 (runs on the build machine's own platform) ---
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
ARG TARGETARCH=amd64
WORKDIR /src
# musl-gcc: the static launcher (phases/launcher/build.sh); arm64 strip and cross glibc/libstdc++: the arm64
# binary and its runtime/ libraries (scripts/binaries/runtime-libs.mjs).
RUN apt-get update -qq \
 && apt-get install -y --no-install-recommends musl-tools binutils-aarch64-linux-gnu libc6-arm64-cross libstdc++6-arm64-cross \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY phases ./phases
COPY src ./src
RUN node scripts/build-binaries.mjs --targets linux-${TARGETARCH} \
 && mkdir -p /out/runtime \
 && cp -a dist/linux-${TARGETARCH}/cnb /out/cnb \
 && if [ -d dist/linux-${TARGETARCH}/runtime ]; then cp -a dist/linux-${TARGETARCH}/runtime/. /out/runtime/; fi

# --- SOURCE=prebuilt: dist/linux-<arch>/ made on the host by `npm run build:binaries` ---
FROM scratch AS prebuilt
ARG TARGETARCH=amd64
COPY dist/linux-${TARGETARCH}/cnb /out/cnb
COPY dist/linux-${TARGETARCH}/runtime /out/runtime

FROM ${SOURCE} AS source

# --- the image ---
FROM scratch
ARG LIFECYCLE_VERSION
ARG LIFECYCLE_APIS
COPY --from=source /out/runtime/ /
COPY --from=source /out/cnb /cnb
LABEL io.buildpacks.lifecycle.version="${LIFECYCLE_VERSION}" \
      io.buildpacks.lifecycle.apis="${LIFECYCLE_APIS}" \
      org.opencontainers.image.title="lifecycle" \
      org.opencontainers.image.description="Cloud Native Buildpacks lifecycle (TypeScript implementation)" \
      org.opencontainers.image.version="${LIFECYCLE_VERSION}"
# No ENTRYPOINT: platforms run `/cnb/lifecycle/<phase> ...` as the command.
