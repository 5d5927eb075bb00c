#!/usr/bin/env bash
# The feature cache at scale, in one run:
#  1. `genrec synth` datasets of 200 and 2,000 songs x 30 s (6 genres);
#  2. preprocess throughput with 2 processes (--shard 0/2 and --shard 1/2, 1 thread each),
#     songs per second, and the cache's bytes per song;
#  3. peak RSS of `genrec train` for 1 epoch on each (target: RSS(2000) <= 1.2 x RSS(200));
#  4. training speed over the mapped cache beside the same cache read whole into memory (the
#     cache before shards), bench/bench_train.cpp on gtzan-mini (target: within 10%).
# Usage: scripts/bench_cache.sh [SIZES...]   (default "200 2000")
#   env: BUILD_DIR (build), WORK (a folder to keep the datasets in; default a temporary one,
#        removed at the end), THREADS (2, for train), CROPS (4 windows per song in the epoch),
#        DATA (gtzan-mini for step 4; ../shared/data/gtzan-mini), SPEED (1; 0 skips step 4)
# With WORK kept, datasets already there are reused and the RSS ratio uses earlier sizes' runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-200 2000}")
read -r -a SIZES <<< "${SIZES[*]}"
BUILD_DIR="${BUILD_DIR:-build}"
THREADS="${THREADS:-2}"
CROPS="${CROPS:-4}"
DATA="${DATA:-$(cd .. && pwd)/shared/data/gtzan-mini}"
[ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$BUILD_DIR" -j"$(nproc)" --target genrec bench_train >&2
GENREC="$BUILD_DIR/bin/genrec"
if [ -z "${WORK:-}" ]; then
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK"
printf '[train]\ncrops_per_song = %s\n' "$CROPS" > "$WORK/bench.toml"

seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}'; }
max_rss_mb() { awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); printf "%.0f", $2 / 1024}' "$1"; }

declare -A RSS
echo "== cache at scale (synthetic 30 s songs; preprocess: 2 processes x 1 thread; train: $THREADS threads, 1 epoch, $CROPS windows per song)"
printf "%6s %12s %16s %14s %14s %12s\n" songs "synth s" "preprocess s" "songs/s" "bytes/song" "train RSS MB"
for n in "${SIZES[@]}"; do
  per_genre=$(( (n + 5) / 6 ))
  songs=$(( per_genre * 6 ))
  d="$WORK/synth$n"
  t0=$(date +%s.%N)
  [ -d "$d/genres_original" ] || "$GENREC" --log-level warn synth --out "$d" --per-genre "$per_genre" --seconds 30 --seed 1
  synth_s=$(seconds_since "$t0")
  rm -rf "$d.cache"
  t0=$(date +%s.%N)
  "$GENREC" --threads 1 --log-level warn preprocess --data "$d" --cache "$d.cache" --shard 0/2 &
  p0=$!
  "$GENREC" --threads 1 --log-level warn preprocess --data "$d" --cache "$d.cache" --shard 1/2 &
  p1=$!
  wait $p0 && wait $p1
  pre_s=$(seconds_since "$t0")
  bytes=$(du -sb "$d.cache" | cut -f1)
  /usr/bin/time -v "$GENREC" --threads "$THREADS" --log-level warn train --data "$d" --cache "$d.cache" \
    --config "$WORK/bench.toml" --epochs 1 --split song:0.9/0.1/0 --out "$WORK/m$n.genrec" --force \
    > /dev/null 2> "$WORK/time$n.log" || { tail -5 "$WORK/time$n.log" >&2; exit 1; }
  RSS[$n]=$(max_rss_mb "$WORK/time$n.log")
  echo "${RSS[$n]}" > "$WORK/rss$n"
  printf "%6d %12s %16s %14.1f %14.0f %12s\n" "$songs" "$synth_s" "$pre_s" \
    "$(awk -v s="$songs" -v t="$pre_s" 'BEGIN {print s / t}')" \
    "$(awk -v b="$bytes" -v s="$songs" 'BEGIN {print b / s}')" "${RSS[$n]}"
done
if [ -f "$WORK/rss200" ] && [ -f "$WORK/rss2000" ]; then
  awk -v a="$(cat "$WORK/rss200")" -v b="$(cat "$WORK/rss2000")" \
    'BEGIN {printf "RSS(2000) / RSS(200) = %.2f (target <= 1.2)\n", b / a}'
fi

[ "${SPEED:-1}" = 0 ] && exit 0
echo "== training speed: mapped shards vs. the cache read into memory ($DATA, $THREADS threads)"
if [ ! -d "$DATA" ]; then
  echo "no dataset at $DATA; using the first synthetic one"
  DATA="$WORK/synth${SIZES[0]}"
fi
value() { awk -v k="$1" '$1 == k {print $2}' | tail -1; }
MAPPED=() MEMORY=()
for round in 1 2 3; do
  for mode in mapped in_memory; do
    flag=()
    [ $mode = in_memory ] && flag=(--in-memory)
    out="$("$BUILD_DIR/bin/bench_train" --data "$DATA" --cache "$WORK/mini.cache" \
           --threads "$THREADS" --steps 20 --rounds 3 --warmup 5 "${flag[@]}")"
    rate=$(echo "$out" | value train_windows_per_s)
    rss=$(echo "$out" | value peak_rss_kb)
    if [ $mode = mapped ]; then MAPPED+=("$rate"); else MEMORY+=("$rate"); fi
    echo "round $round $mode: $rate windows/s, peak RSS $((rss / 1024)) MB"
  done
done
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
M=$(median3 "${MAPPED[@]}")
I=$(median3 "${MEMORY[@]}")
awk -v m="$M" -v i="$I" 'BEGIN {printf "median: mapped %.1f, in memory %.1f windows/s; mapped/in-memory = %.3f (target >= 0.90)\n", m, i, m / i}'
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); the cores may be shared with other work)"
