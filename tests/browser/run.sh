#!/bin/sh
# Runs the browser test with the node found at test time (CI installs node after configuring).
# Without node: a skip (77) on a developer's machine, a failure under CI=true.
if ! command -v node >/dev/null 2>&1; then
  echo "browser test: node is not installed (scripts/setup_browser.sh installs it)"
  [ "${CI:-}" = "true" ] && exit 1
  exit 77
fi
exec node "$(dirname "$0")/serve.test.mjs" "$@"
