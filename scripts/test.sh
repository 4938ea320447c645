#!/usr/bin/env bash
# Set up, then run the whole suite (unit, conformance with Python, real Apache e2e),
# and end with a plain "N passed, N failed" line counted from vitest's JUnit report.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
rm -f test/.tmp/junit.xml
npx vitest run
status=$?
node -e '
const fs = require("fs")
const f = "test/.tmp/junit.xml"
if (!fs.existsSync(f)) { console.log("0 passed, 1 failed"); process.exit(0) }
const xml = fs.readFileSync(f, "utf8")
const cases = xml.match(/<testcase\b[^>]*?(\/>|>[\s\S]*?<\/testcase>)/g) || []
let failed = 0, skipped = 0
for (const c of cases) { if (/<failure|<error/.test(c)) failed++; else if (/<skipped/.test(c)) skipped++ }
const passed = cases.length - failed - skipped
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""))
'
exit $status
