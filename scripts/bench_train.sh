#!/usr/bin/env bash
# Training throughput, genrec vs. its Python peer, in one run (same CNN from configs/default.toml,
# same batch size, same thread count):
#   genrec: bench/bench_train.cpp, the full training step including the background loader
#           (cache windows at random offsets + SpecAugment), forward, backward, AdamW, EMA;
#   Python: scripts/bench_train_peer.py on Debian's python3-torch, compute only on random tensors.
# The two alternate twice (noise from other work on the machine hits both); medians are compared.
# Then the peak RSS of a real `genrec train` on the gtzan-mini cache, and extrapolations to the
# full GTZAN (1000 clips).
# Usage: scripts/bench_train.sh [THREADS]   (BUILD_DIR=build by default; DATA=dataset dir)
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-2}"
BUILD_DIR="${BUILD_DIR:-build}"
DATA="${DATA:-$(cd .. && pwd)/shared/data/gtzan-mini}"
CONFIG=configs/default.toml
STEPS=20 ROUNDS=3 WARMUP=5

if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "needs: sudo apt-get install -y python3-torch python3-numpy" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >&2
fi
[ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$BUILD_DIR" -j"$(nproc)" --target bench_train genrec >&2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CACHE="$WORK/cache"
if [ ! -d "$DATA" ]; then
  echo "no dataset at $DATA: using 50 synthetic songs (genrec synth)" >&2
  "$BUILD_DIR/bin/genrec" --log-level warn synth --out "$WORK/synth" --per-genre 9 --seconds 30
  DATA="$WORK/synth"
fi
DATA_ARG=(--data "$DATA")

value() { awk -v k="$1" '$1 == k {print $2}' | tail -1; }
G_RATES=() P_RATES=()
for round in 1 2; do
  G_OUT="$("$BUILD_DIR/bin/bench_train" "${DATA_ARG[@]}" --cache "$CACHE" --threads "$THREADS" \
            --steps $STEPS --rounds $ROUNDS --warmup $WARMUP)"
  P_OUT="$(/usr/bin/python3 scripts/bench_train_peer.py "$CONFIG" "$THREADS" $STEPS $ROUNDS $WARMUP)"
  G_RATES+=("$(echo "$G_OUT" | value train_windows_per_s)")
  P_RATES+=("$(echo "$P_OUT" | value compute_windows_per_s)")
  if [ $round = 1 ]; then
    echo "== genrec (bench/bench_train.cpp), round 1"
    echo "$G_OUT"
    echo "== PyTorch peer (scripts/bench_train_peer.py, /usr/bin/python3), round 1"
    echo "$P_OUT"
  fi
done
median2() { echo "$1 $2" | awk '{printf "%.1f", ($1 + $2) / 2}'; }
G=$(median2 "${G_RATES[@]}")
P=$(median2 "${P_RATES[@]}")
G_COMPUTE=$(echo "$G_OUT" | value compute_windows_per_s)
echo "== throughput (windows of 128x130 per second; $THREADS threads, batch $(echo "$G_OUT" | value batch_size))"
echo "genrec full step incl. loading: ${G_RATES[*]} -> mean $G"
echo "PyTorch compute only:           ${P_RATES[*]} -> mean $P"
awk -v g="$G" -v p="$P" 'BEGIN { printf "ratio genrec/PyTorch: %.2f (target >= 1.0)\n", g / p }'
echo "genrec compute only (last round): $G_COMPUTE"

echo "== peak memory of genrec train on this dataset's cache (2 epochs)"
TIME_LOG="$WORK/time.log"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$BUILD_DIR/bin/genrec" --threads "$THREADS" --log-level warn train \
    "${DATA_ARG[@]}" --cache "$CACHE" --out "$WORK/m.genrec" --epochs 2 \
    --split song:0.8/0.2/0 2> "$TIME_LOG" >/dev/null
  RSS_KB=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$TIME_LOG")
  echo "peak_rss_mb $(awk -v k="$RSS_KB" 'BEGIN {printf "%.0f", k / 1024}')"
else
  echo "peak_rss_mb (bench_train process) $(echo "$G_OUT" | value peak_rss_kb | awk '{printf "%.0f", $1/1024}')"
fi

echo "== extrapolation to the full GTZAN (1000 clips of 30 s; 800 train, 100 valid)"
SONGS=$(echo "$G_OUT" | value songs)
BYTES=$(echo "$G_OUT" | value cache_bytes)
CROPS=$(echo "$G_OUT" | value crops_per_song)
# [model] ensemble = K trains K networks one after another: K times the epochs.
MEMBERS=$(awk -F= '/^ensemble *=/ {print $2 + 0}' "$CONFIG")
EPOCHS=$(awk -F= '/^epochs *=/ {print $2 + 0}' "$CONFIG")
awk -v s="$SONGS" -v b="$BYTES" -v c="$CROPS" -v g="$G" -v gc="$G_COMPUTE" \
    -v k="${MEMBERS:-1}" -v e="${EPOCHS:-40}" 'BEGIN {
  printf "cache: %.1f MB for %d songs -> %.0f MB for 1000 songs (float16)\n", b / 1e6, s, b / s * 1000 / 1e6
  train = 800 * c / g
  valid = 100 * 10 / (3 * gc)   # eval forward only: about a third of a training step
  printf "epoch: 800 songs x %d windows / %.0f per s = %.0f s training + ~%.0f s validation\n", c, g, train, valid
  printf "whole run: %d network(s) x up to %d epochs -> at most %.0f min\n", k, e, k * e * (train + valid) / 60
}'
echo "(load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg); the 2 cores may be shared)"
