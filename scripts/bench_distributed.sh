#!/usr/bin/env bash
# Data-parallel training on this machine, side by side in one run:
#   1 process x 2 threads   (genrec --threads 2 train ...)
#   2 ranks   x 1 thread    (genrec --threads 1 train --nproc 2 ..., Gloo on 127.0.0.1)
# on the same data, config and global batch, alternating twice (medians of the second epoch's
# windows/s, which the model file records); then bench/bench_allreduce.cpp: the gradient
# all-reduce per step and the cost of synchronised batch norm for the default CNN.
# Usage: scripts/bench_distributed.sh   (BUILD_DIR=build; DATA=dataset dir, default gtzan-mini)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
DATA="${DATA:-$(cd .. && pwd)/shared/data/gtzan-mini}"
[ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$BUILD_DIR" -j"$(nproc)" --target bench_allreduce genrec genrec_train >&2
GENREC="$BUILD_DIR/bin/genrec"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ ! -d "$DATA" ]; then
  echo "no dataset at $DATA: using 48 synthetic songs (genrec synth)" >&2
  "$GENREC" --log-level warn synth --out "$WORK/synth" --per-genre 8 --seconds 30
  DATA="$WORK/synth"
fi
printf '[train]\nepochs = 2\n' > "$WORK/bench.toml"
run() {  # run NAME THREADS [TRAIN-ARGS...]: prints the second epoch's windows/s
  local name=$1 threads=$2
  shift 2
  "$GENREC" --log-level warn --threads "$threads" train --data "$DATA" --out "$WORK/$name.genrec" \
    --config "$WORK/bench.toml" --split song:1/0/0 --seed 1 --cache "$WORK/cache" --force "$@" >&2
  grep -o '"windows_per_s":[0-9.e+]*' "$WORK/$name.genrec.metrics.jsonl" | tail -1 | cut -d: -f2
}
run warm 2 > /dev/null  # builds the feature cache
ONE=() TWO=()
for round in 1 2; do
  ONE+=("$(run one 2)")
  TWO+=("$(run two 1 --nproc 2)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "training windows/s (global batch 32, $(basename "$DATA")):"
echo "  1 process x 2 threads: $(median "${ONE[@]}")   (runs: ${ONE[*]})"
echo "  2 ranks   x 1 thread : $(median "${TWO[@]}")   (runs: ${TWO[*]})"
"$BUILD_DIR/bin/bench_allreduce" --ranks 2 --batch 16 --threads 1
