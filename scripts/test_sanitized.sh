#!/usr/bin/env bash
# The test suite again under AddressSanitizer and UBSan, in build-asan/ (-O1 -g with assertions
# on, -fno-sanitize-recover=undefined; CMake option GENREC_SANITIZE). CI runs it after
# scripts/test.sh. Runs the unit, cli and server labels (the fuzz regressions are in unit); the
# slow (training), browser and package labels are left to the Release run: they would add a
# LibTorch training run and a browser under ASan's 2-3x slowdown for little more coverage of
# genrec's own parsers. Every sanitizer report goes to build-asan/sanitizer-logs/ as well, and
# any report there fails the run, even from a child process whose exit code a test expected
# to be non-zero anyway. Extra arguments go to ctest.
#   scripts/test_sanitized.sh [CTEST_ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DGENREC_SANITIZE=ON -DGENREC_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  "${launcher[@]}" >&2
cmake --build "$build" -j"$(nproc)" >&2

logs=$PWD/$build/sanitizer-logs
rm -rf "$logs" && mkdir -p "$logs"
export ASAN_OPTIONS="log_path=$logs/asan:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
status=0
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -L 'unit|cli|server' "$@" || status=$?
if [ -n "$(ls -A "$logs")" ]; then
  echo "test_sanitized.sh: sanitizer reports in $logs:" >&2
  for f in "$logs"/*; do echo "== $f" >&2; head -60 "$f" >&2; done
  status=1
fi
exit "$status"
