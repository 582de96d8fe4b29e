#!/usr/bin/env bash
# The one command of the benchmarks (bench/README.md):  bash scripts/bench.sh [NAME...]
#   NAME: layer (1), export (2), rebuild (3), rebase (4), memory (5), overhead (6); default: all six.
# Each bench makes its own inputs under /tmp (removed at the end), starts a docker-registry on 127.0.0.1
# when it needs one, runs ours and the peers side by side, and writes bench/results/<name>.md; this script
# then assembles bench/RESULTS.md from every section present. Env: ROUNDS (per bench, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
all=(layer export rebuild rebase memory overhead)
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=("${all[@]}")
for n in "${names[@]}"; do
  [[ -f "bench/$n/run.mjs" ]] || { echo "unknown bench '$n' (known: ${all[*]})" >&2; exit 2; }
done
status=0
for n in "${names[@]}"; do
  echo "=== bench $n ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  node "bench/$n/run.mjs" || { echo "bench $n failed" >&2; status=1; }
done
node bench/lib/assemble.mjs "${all[@]}"
exit $status
