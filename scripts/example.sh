#!/usr/bin/env bash
# Set up, then run the main job on the bundled example: writes examples/hellotg/apache/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/run.js modwsgi --cwd examples/hellotg --mount /app --server-name hello.example.com --warmup "$@"
echo
echo "Written: examples/hellotg/apache/ (start with README.txt there)"
