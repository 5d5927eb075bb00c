#!/usr/bin/env bash
# Sets up (packages + Release build) and runs the whole test suite with CTest.
# Extra arguments go to ctest, e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup_browser.sh  # chromium + playwright-core for the `browser` test
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
