#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: installs what genrec needs, builds it, then
# predicts the genre of the files given (any format, any length) with the shipped model,
# or starts the web page (genrec serve) when no file is given.
# Usage: scripts/run.sh [FILE|DIR|-]...
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/setup.sh" >&2
if [ $# -eq 0 ]; then
  echo "no files given: starting the web page on http://127.0.0.1:8080 (Ctrl-C stops it)" >&2
  exec "$here/build/bin/genrec" serve
fi
exec "$here/build/bin/genrec" predict "$@"
