#!/usr/bin/env bash
# K-fold cross-validation of `genrec train` by song (`--split fold:k/K`): within each genre and
# each dataset, fold k holds out the k-th of K contiguous runs of songs (data/split.h) — on
# gtzan-mini (5 clips per genre, K=5) that is clip k of every genre. Each fold trains on the
# rest (no validation part: the averaged weights after the last epoch are kept) and the
# trainer scores the held-out songs with exact per-segment features, as `genrec eval` does.
# Prints per-fold song and segment accuracy and time, then the means; then `genrec calibrate`
# on the fold models: per fold, song accuracy of the long songs, window accuracy of the
# one-segment songs, macro F1 and calibration error, and the fitted temperature.
# Usage: scripts/cross_validate.sh [DATA] [FOLDS] [extra genrec train args...]
#   DATA: a dataset folder, manifest (.csv/.tsv) or FMA tracks.csv; more datasets go in the extra
#   args as --data X (repeatable; with --audio/--subset for FMA) and are used together, e.g.
#   scripts/cross_validate.sh ../shared/data/gtzan-mini 5 --data ../shared/data/gtzan-snippets
#   env: BUILD_DIR (build), THREADS (2), SEED (42), CONFIG (configs/default.toml), OUT_DIR (temp),
#        GENREC (a genrec binary to use instead of building BUILD_DIR/bin/genrec),
#        JOBS (1: folds run one after another; 2: two folds at a time, e.g. with THREADS=1),
#        ONLY (fold indices to run, e.g. "0 1 3"; default all), QUIET (1: no progress line)
# A fold's result depends on SEED and THREADS only, not on JOBS or on which other folds run.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-$(cd .. && pwd)/shared/data/gtzan-mini}"
FOLDS="${2:-5}"
shift $(( $# > 2 ? 2 : $# )) || true
BUILD_DIR="${BUILD_DIR:-build}"
THREADS="${THREADS:-2}"
SEED="${SEED:-42}"
CONFIG="${CONFIG:-configs/default.toml}"
[ -e "$DATA" ] || { echo "no dataset at $DATA" >&2; exit 1; }
# The dataset flags go to both preprocess and train; the rest to train only.
DATA_ARGS=(--data "$DATA")
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data|--audio|--subset) DATA_ARGS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done
if [ -z "${GENREC:-}" ]; then
  [ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target genrec >&2
  GENREC="$BUILD_DIR/bin/genrec"
fi

OUT_DIR="${OUT_DIR:-$(mktemp -d)}"
mkdir -p "$OUT_DIR"
CACHE="$OUT_DIR/cache"
echo "cross-validation: $FOLDS folds of ${DATA_ARGS[*]}, seed $SEED, $THREADS threads x ${JOBS:-1} jobs, config $CONFIG" >&2
JOBS="${JOBS:-1}"
ONLY="${ONLY:-$(seq -s ' ' 0 $((FOLDS - 1)))}"

# Trains and scores fold $1; writes "k n song seg seconds" to $OUT_DIR/fold$1.result.
run_fold() {
  local k=$1 start line seconds n song seg
  start=$(date +%s.%N)
  line=$("$GENREC" --threads "$THREADS" train "${DATA_ARGS[@]}" \
           --out "$OUT_DIR/fold$k.genrec" --config "$CONFIG" --split "fold:$k/$FOLDS" \
           --seed "$SEED" --cache "$CACHE" "${EXTRA[@]}" 2> "$OUT_DIR/fold$k.log" | grep '^test songs') || {
    echo "fold $k failed; see $OUT_DIR/fold$k.log" >&2
    tail -5 "$OUT_DIR/fold$k.log" >&2
    return 1
  }
  seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  # line: "test songs N song_accuracy X segment_accuracy Y"
  read -r _ _ n _ song _ seg <<< "$line"
  echo "$k $n $song $seg $seconds" > "$OUT_DIR/fold$k.result"
}

# Folds done so far, their rate and the time left, on stderr when it is a terminal (as genrec's
# own progress bars); QUIET=1 turns it off.
progress() {  # DONE TOTAL START_SECONDS
  [ -t 2 ] && [ -z "${QUIET:-}" ] || return 0
  awk -v d="$1" -v n="$2" -v s="$3" -v now="$(date +%s.%N)" 'BEGIN {
    r = d / (now - s); left = (n - d) / r
    printf "\r\033[2Kcross-validation: %d/%d folds  %.2f folds/min  ETA %d:%02d", d, n, 60 * r, left / 60, left % 60
  }' >&2
}

# Stopped (Ctrl-C, kill): the running folds go too, genrec included, not only their subshells.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2> /dev/null); do kill_tree "$child"; done
  kill "$1" 2> /dev/null || true
}
trap 'for p in $(jobs -p); do kill_tree "$p"; done; echo "cross-validation stopped" >&2; exit 130' INT TERM

# The cache is built once, before folds may run side by side.
"$GENREC" --log-level warn preprocess "${DATA_ARGS[@]}" --cache "$CACHE" --config "$CONFIG" >&2
PIDS=()
START=$(date +%s.%N)
for k in $ONLY; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
  run_fold "$k" &
  PIDS+=($!)
done
FAILED=0
DONE=0
for p in "${PIDS[@]}"; do
  wait "$p" || FAILED=1
  DONE=$((DONE + 1))
  progress "$DONE" "${#PIDS[@]}" "$START"
done
[ -t 2 ] && [ -z "${QUIET:-}" ] && printf '\r\033[2K' >&2
[ $FAILED = 0 ] || exit 1
RESULTS=()
for k in $ONLY; do
  RESULTS+=("$(cat "$OUT_DIR/fold$k.result")")
  read -r _ n song seg seconds < "$OUT_DIR/fold$k.result"
  printf "fold %d: %2d test songs, song accuracy %5.1f%%, segment accuracy %5.1f%%, %6.1f s\n" \
    "$k" "$n" "$(awk -v x="$song" 'BEGIN {print 100 * x}')" \
    "$(awk -v x="$seg" 'BEGIN {print 100 * x}')" "$seconds"
done
printf '%s\n' "${RESULTS[@]}" | awk '{ n++; song += $3; seg += $4; t += $5; songs += $2; hits += $2 * $3 }
  END { printf "mean over %d folds: song accuracy %.1f%% (%d/%d songs), segment accuracy %.1f%%, %.1f s per fold\n",
               n, 100 * song / n, hits + 0.5, songs, 100 * seg / n, t / n }'
FOLD_MODELS=()
for k in $ONLY; do FOLD_MODELS+=("$OUT_DIR/fold$k.genrec"); done
"$GENREC" --threads "$THREADS" --quiet calibrate "${FOLD_MODELS[@]}" "${DATA_ARGS[@]}" \
  | tee "$OUT_DIR/calibrate.txt"
echo "(models and logs in $OUT_DIR; times are wall-clock on a machine whose cores may be shared)" >&2
