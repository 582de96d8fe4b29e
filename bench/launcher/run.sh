#!/usr/bin/env bash
# Start overhead of the native launcher versus a direct exec of the same command (DESIGN: "adding at most
# a few milliseconds to a process start"). Builds the launcher, makes a small image (one buildpack, two
# launch layers with env files, one exec.d program optional) and compares:
#   direct      : /bin/true
#   launcher    : /cnb/process/web   (process web = ["/bin/true"], env files, no exec.d)
#   launcher+execd : the same with one exec.d program (one extra fork+exec)
# Uses hyperfine when installed (unless NO_HYPERFINE=1), else a loop timed with `date +%s%N`. Usage: bench/launcher/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-300}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bash phases/launcher/build.sh "$work/launcher" >/dev/null
mk() { # $1 = image dir, $2 = 1 to add an exec.d program
  local img="$1" L="$1/layers" f
  mkdir -p "$L/config" "$L/acme/a/bin" "$L/acme/a/env" "$L/acme/b/env" "$img/app" "$img/cnb/process"
  printf '/opt/x' > "$L/acme/a/env/PATH.append"; printf ':' > "$L/acme/a/env/PATH.delim"
  printf 'prod' > "$L/acme/b/env/MODE"; printf '512' > "$L/acme/b/env/MEM.default"
  if [[ "$2" == 1 ]]; then
    mkdir -p "$L/acme/a/exec.d"
    printf '#!/bin/sh\necho '"'"'X = "1"'"'"' >&3\n' > "$L/acme/a/exec.d/x"; chmod +x "$L/acme/a/exec.d/x"
  fi
  f() { printf ' %d:%s' "${#1}" "$1"; }
  {
    echo "cnb-launch-desc 1"; echo "app$(f "$img/app")"; echo "bp$(f acme)$(f 0.12)"
    echo "proc$(f web)$(f acme)$(f 1)$(f r)$(f '')$(f 1)"; echo "cmd$(f /bin/true)"
    echo "root$(f PATH)$(f acme/a/bin)"
    echo "env$(f '')$(f append)$(f PATH)$(f /opt/x)$(f :)"
    echo "env$(f '')$(f override)$(f MODE)$(f prod)$(f '')"
    echo "env$(f '')$(f default)$(f MEM)$(f 512)$(f '')"
    if [[ "$2" == 1 ]]; then echo "execd$(f '')$(f acme/a/exec.d/x)"; fi
  } > "$L/config/launch.desc"
  ln -s "$work/launcher" "$img/cnb/process/web"
}
mk "$work/img" 0
mk "$work/img-execd" 1
export CNB_PLATFORM_API=0.15

bytes=$(stat -c %s "$work/launcher")
echo "launcher binary: $bytes bytes (static, $(file -b "$work/launcher" | cut -d, -f1))"

if [[ -z "${NO_HYPERFINE:-}" ]] && command -v hyperfine >/dev/null; then
  compare() { # $1 = label, $2 = image dir
    CNB_LAYERS_DIR="$2/layers" CNB_APP_DIR="$2/app" hyperfine -N --warmup 20 --runs "$runs" \
      --export-json "$work/$1.json" -n direct /bin/true -n "$1" "$2/cnb/process/web" | grep -E 'Benchmark|Time|Range'
    node -e 'const r = require(process.argv[1]).results; const [d, l] = r.map((x) => x.mean * 1e3);
      console.log(`=> ${r[1].command}: +${(l - d).toFixed(2)} ms per start (x${(l / d).toFixed(2)} of a direct exec)\n`);' "$work/$1.json"
  }
  compare launcher "$work/img"
  compare launcher+execd "$work/img-execd"
else
  time_loop() {
    local start end i
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do "$@" >/dev/null; done
    end=$(date +%s%N)
    echo $(( (end - start) / runs ))
  }
  export CNB_LAYERS_DIR="$work/img/layers" CNB_APP_DIR="$work/img/app"
  d=$(time_loop /bin/true)
  l=$(time_loop "$work/img/cnb/process/web")
  printf 'direct:   %8d ns/run\nlauncher: %8d ns/run\ndifference: %d us, ratio %s\n' "$d" "$l" $(( (l - d) / 1000 )) "$(awk -v a="$l" -v b="$d" 'BEGIN { printf "%.2f", a / b }')"
fi
