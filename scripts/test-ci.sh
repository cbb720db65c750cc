#!/usr/bin/env bash
# Runs the whole vitest suite with a JSON report and ends with the plain
# "N passed, N failed" line CI reads. Exits with vitest's own code.
set -u
cd "$(dirname "$0")/.."
out=.vitest-results.json
rm -f "$out"
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile="$out" "$@"
code=$?
if [ -f "$out" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  ' "$out"
else
  echo "0 passed, 1 failed"
  [ $code -eq 0 ] && code=1
fi
exit $code
