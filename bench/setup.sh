#!/usr/bin/env bash
# What the benchmarks need beyond the test set-up: nginx, gunicorn and wrk from
# Debian. Their services must not start (nginx would take port 80): a policy-rc.d
# that refuses service starts is put in place for the install if there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
bash scripts/setup.sh nginx-light gunicorn wrk
