#!/usr/bin/env bash
# Every benchmark, one after the other (nothing else should run meanwhile: they share
# the two cores with wrk). About 12 minutes. Results also go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/setup.sh
mkdir -p bench/results
for b in cli-startup serving "first-request --static-first" static maximum-requests; do
  name=${b%% *}
  echo "== $b"
  # shellcheck disable=SC2086
  node "bench/$name.mjs" ${b#"$name"} | tee "bench/results/$name.txt"
  echo
done
