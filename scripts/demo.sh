#!/usr/bin/env bash
# The demo: build the sample app samples/apps/hello-shell with the sample shell buildpacks into an OCI
# layout using our `creator` (Platform API 0.15, all five phases in one process), on a static busybox run
# image with no libc, then run the built image with umoci + runc and print what the app says.
#
#   bash scripts/demo.sh            (as root: installs packages, runs runc; buildpacks run as uid 1000)
#
# Idempotent: everything lives in .tmp/demo/ and is rebuilt on each run, except the build cache
# (.tmp/demo/cache), so a second run shows cached layers being reused. Fails loudly, naming the step.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DEMO=$ROOT/.tmp/demo
LAYOUT=$DEMO/layout
RUN_IMAGE=samples.local/run/busybox:latest
APP_IMAGE=samples.local/demo/hello-shell:latest
APP_LAYOUT=$LAYOUT/samples.local/demo/hello-shell/latest
CNB_UID=1000
CNB_GID=1000
CONTAINER=cnb-demo-$$

STEP=0
STEP_NAME="start"
step() {
  STEP=$((STEP + 1))
  STEP_NAME=$1
  printf '\n\033[1m==> [%d/7] %s\033[0m\n' "$STEP" "$STEP_NAME"
}
fail() {
  local rc=$?
  printf '\n\033[1;31mdemo: FAILED at step %d (%s), exit code %d\033[0m\n' "$STEP" "$STEP_NAME" "$rc" >&2
  exit "$rc"
}
trap fail ERR
cleanup() { runc delete -f "$CONTAINER" >/dev/null 2>&1 || true; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
  echo "demo: run as root (it installs packages, chowns the build dirs to $CNB_UID:$CNB_GID and runs runc)" >&2
  exit 1
fi

step "Install dependencies (scripts/install-deps.sh)"
bash scripts/install-deps.sh
for tool in umoci runc busybox node; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; false; }; done
echo "ok: $(node --version), $(umoci --version), $(runc --version | head -1)"

step "Build the lifecycle (npm run build → dist/cnb/lifecycle)"
npm run --silent build
[ -x dist/cnb/lifecycle/creator ] && [ -x dist/cnb/lifecycle/launcher ] || { echo "dist/cnb/lifecycle/{creator,launcher} missing" >&2; false; }

step "Prepare the workspace (.tmp/demo)"
rm -rf "$DEMO/app" "$DEMO/layers" "$DEMO/platform" "$DEMO/bundle" "$LAYOUT"
mkdir -p "$DEMO/app" "$DEMO/layers" "$DEMO/platform" "$DEMO/cache" "$LAYOUT"
cp -R samples/apps/hello-shell/. "$DEMO/app/"
# The buildpacks run as $CNB_UID and write into the app dir (as a platform's workspace volume would allow).
chown -R "$CNB_UID:$CNB_GID" "$DEMO/app"
echo "app: samples/apps/hello-shell → $DEMO/app; buildpacks: samples/buildpacks (order.toml)"

step "Make the run image (static busybox, no libc) in the OCI layout"
node scripts/run-images/run.mjs busybox --layout-dir "$LAYOUT" --ref "$RUN_IMAGE"
# creator writes the app image into the layout dir as $CNB_UID (it chowns only <layers> and <cache-dir>, as REF).
chown -R "$CNB_UID:$CNB_GID" "$LAYOUT"

step "Build the app image with creator (Platform API 0.15, -layout)"
env -i PATH="$PATH" HOME=/root \
  CNB_PLATFORM_API=0.15 CNB_EXPERIMENTAL_MODE=warn CNB_USER_ID=$CNB_UID CNB_GROUP_ID=$CNB_GID \
  dist/cnb/lifecycle/creator \
  -layout -layout-dir "$LAYOUT" \
  -run-image "$RUN_IMAGE" \
  -app "$DEMO/app" -layers "$DEMO/layers" -platform "$DEMO/platform" -cache-dir "$DEMO/cache" \
  -buildpacks "$ROOT/samples/buildpacks" -order "$ROOT/samples/buildpacks/order.toml" \
  -launcher "$ROOT/dist/cnb/lifecycle/launcher" -launcher-sbom "$ROOT/dist/cnb/lifecycle" \
  -process-type hello \
  "$APP_IMAGE"
echo "--- report.toml"
cat "$DEMO/layers/report.toml"

step "Unpack the image (umoci unpack)"
umoci unpack --image "$APP_LAYOUT:latest" "$DEMO/bundle" >/dev/null
# A non-interactive runc run needs terminal=false (TOOLING.md).
node -e '
  const fs = require("fs"); const f = process.argv[1];
  const c = JSON.parse(fs.readFileSync(f, "utf8")); c.process.terminal = false;
  fs.writeFileSync(f, JSON.stringify(c, null, 2));
  console.log("entrypoint: " + c.process.args.join(" ") + "   user: " + c.process.user.uid + ":" + c.process.user.gid);
' "$DEMO/bundle/config.json"

step "Run the app (runc run)"
echo "--- app output"
runc run -b "$DEMO/bundle" "$CONTAINER" | tee "$DEMO/app-output.txt"
echo "---"
grep -q "world" "$DEMO/app-output.txt" || { echo "the app printed no greeting" >&2; false; }
printf '\n\033[1;32mdemo: OK\033[0m: built %s on a static busybox run image and ran it (output above)\n' "$APP_IMAGE"
