#!/usr/bin/env bash
# Mutation check: plants each fault of tests/mutants/*.patch in turn in a scratch copy of the
# tree, rebuilds what its test needs and runs that test; a mutant is caught when the test fails.
#   scripts/mutation_check.sh [MUTANT.patch...]     (default: all of tests/mutants/)
# Each patch starts with three header lines (git apply skips them):
#   Mutant: what fault it plants    Build: the CMake target(s) its test needs
#   Test:   the test binary in build/bin with its arguments (VAR=value prefixes are environment)
# The scratch copy is a detached git worktree of HEAD with uncommitted changes to tracked files
# copied in, beside the checkout ($MUTATION_DIR, default ../<checkout>-mutants) so that ccache
# (base_dir above both) shares the main build's objects; its one build directory is reused, so
# after the first run each mutant costs a recompile of one file and a relink.
# Exit status: 0 when every mutant was caught and every test passed on the unmutated tree.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${MUTATION_DIR:-$(dirname "$repo")/$(basename "$repo")-mutants}
jobs=${MUTATION_JOBS:-2}
test_timeout=${MUTATION_TEST_TIMEOUT:-600}
if (($# > 0)); then mutants=("$@"); else mutants=("$repo"/tests/mutants/*.patch); fi
for i in "${!mutants[@]}"; do mutants[i]=$(realpath "${mutants[i]}"); done
if [[ -z "${GENREC_SHARED_DATA:-}" && -d "$repo/../shared/data" ]]; then
  export GENREC_SHARED_DATA
  GENREC_SHARED_DATA=$(cd "$repo/../shared/data" && pwd)
fi

field() { sed -n "s/^$2: //p;/^diff --git/q" "$1" | head -n1; }

# The scratch tree: HEAD plus this checkout's uncommitted edits, so a mutant is checked against
# the tests as they are now.
if [[ ! -e "$scratch/.git" ]]; then
  git -C "$repo" worktree add --detach "$scratch" HEAD >/dev/null
fi
# Reset first: the edits copied in by the last run would otherwise block the checkout.
git -C "$scratch" reset -q --hard
git -C "$scratch" checkout -q --detach "$(git -C "$repo" rev-parse HEAD)"
git -C "$repo" diff HEAD --binary | git -C "$scratch" apply --allow-empty
base_patch=$(mktemp)
trap 'rm -f "$base_patch"' EXIT
git -C "$scratch" diff HEAD --binary >"$base_patch"
restore() {
  git -C "$scratch" reset -q --hard
  git -C "$scratch" apply --allow-empty "$base_patch"
}

build=$scratch/build
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$scratch" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi

run_test() {  # run_test "ENV=x binary args..." -> exit status of the test
  (cd "$scratch" && eval "exec timeout $test_timeout env PATH=\"$build/bin:\$PATH\" $1") \
    >"$log_dir/$2.log" 2>&1
}
log_dir=$build/mutation-logs
mkdir -p "$log_dir"

# Every test must pass on the unmutated tree first, or a red test proves nothing.
targets=()
for m in "${mutants[@]}"; do read -ra t <<<"$(field "$m" Build)"; targets+=("${t[@]}"); done
mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
echo "building ${targets[*]} in $build"
cmake --build "$build" -j"$jobs" --target "${targets[@]}" >"$log_dir/baseline-build.log" 2>&1 ||
  { echo "the unmutated tree does not build: $log_dir/baseline-build.log" >&2; exit 1; }
mapfile -t tests < <(for m in "${mutants[@]}"; do field "$m" Test; done | sort -u)
i=0
for t in "${tests[@]}"; do
  i=$((i + 1))
  if ! run_test "$t" "baseline-$i"; then
    echo "fails on the unmutated tree: $t (log $log_dir/baseline-$i.log)" >&2
    exit 1
  fi
done

printf '| %-32s | %-60s | %-6s |\n' mutant "test run" caught
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..34})" "$(printf -- '-%.0s' {1..62})" "--------"
missed=0
start=$SECONDS
for m in "${mutants[@]}"; do
  name=$(basename "$m" .patch)
  test=$(field "$m" Test)
  read -ra t <<<"$(field "$m" Build)"
  verdict=yes
  if ! git -C "$scratch" apply "$m" 2>"$log_dir/$name.apply.log"; then
    verdict="no (does not apply)"
  elif ! cmake --build "$build" -j"$jobs" --target "${t[@]}" >"$log_dir/$name.build.log" 2>&1; then
    verdict="no (does not build)"
  elif run_test "$test" "$name"; then
    verdict=no
  fi
  [[ $verdict == yes ]] || missed=$((missed + 1))
  printf '| %-32s | %-60s | %-6s |\n' "$name" "\`$test\`" "$verdict"
  restore
done
# Leave the scratch build matching the unmutated tree for the next run.
cmake --build "$build" -j"$jobs" --target "${targets[@]}" >/dev/null 2>&1 || true
echo "$(( ${#mutants[@]} - missed )) of ${#mutants[@]} mutants caught in $((SECONDS - start)) s" \
  "(logs in $log_dir)"
((missed == 0))
