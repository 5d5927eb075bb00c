#!/usr/bin/env bash
# Installs what the browser test (tests/browser/serve.test.mjs, CTest label `browser`) needs:
# Debian's chromium and node/npm, and playwright-core and axe-core from npm into
# tests/browser/node_modules.
# Idempotent: does nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(chromium)
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the browser test needs: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# playwright-core and axe-core, pinned by package-lock.json; reinstalled only when the lock file changed.
cd tests/browser
if ! cmp -s package-lock.json node_modules/.genrec-lock-stamp 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.genrec-lock-stamp
fi
