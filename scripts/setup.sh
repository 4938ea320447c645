#!/usr/bin/env bash
# Installs what tgdeploy and its tests need on Debian/Ubuntu: Apache 2.4, mod_wsgi for
# the system Python 3, venv/pip/PasteDeploy from Debian, then the npm dependencies.
# Extra Debian packages can be named as arguments (bench/setup.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(apache2 libapache2-mod-wsgi-py3 python3-venv python3-pip python3-pastedeploy python3-setuptools python3-wheel curl patchelf "$@")
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the Debian package starts the system Apache; tests use their own instances on loopback
# npm ci rejects the lock this npm writes (optional platform packages without versions), so install from it
npm install --no-audit --no-fund --loglevel=error
npm run build --silent
