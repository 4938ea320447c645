#!/usr/bin/env bash
# Every benchmark, one after the other (nothing else should run meanwhile: they share
# the two cores with wrk). About 12 minutes. Results also go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/setup.sh
mkdir -p bench/results
for b in cli-startup serving first-request static maximum-requests; do
  echo "== $b"
  node "bench/$b.mjs" | tee "bench/results/$b.txt"
  echo
done
