#!/usr/bin/env bash
# The one command that runs every test on a fresh machine: installs what it needs, builds, type-checks,
# then runs the unit and integration tests (vitest, test/) and the black-box conformance suite (spec/).
# Ends with one plain line "N passed, N failed" (totals over every suite it ran).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
node scripts/build.mjs || { echo "0 passed, 1 failed"; exit 1; }

out=.tmp/test-results
rm -rf "$out" && mkdir -p "$out"
status=0
failed_steps=0

npx tsc -p tsconfig.json --noEmit || { echo "typecheck failed"; status=1; failed_steps=$((failed_steps + 1)); }

npx vitest run --reporter=default --reporter=json --outputFile.json="$out/test.json" || status=1
npx vitest run --config spec/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$out/spec.json" || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = Number(process.argv[2]);
  for (const f of ["test.json", "spec.json"]) {
    const p = process.argv[1] + "/" + f;
    if (!fs.existsSync(p)) { failed += 1; console.log(`${f}: no results`); continue; }
    const r = JSON.parse(fs.readFileSync(p, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
    // A suite file that failed to load counts as a failure too.
    failed += (r.testResults || []).filter((t) => t.status === "failed" && (t.assertionResults || []).length === 0).length;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
' "$out" "$failed_steps" || status=1
exit $status
