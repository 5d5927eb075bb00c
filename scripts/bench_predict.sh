#!/usr/bin/env bash
# Side-by-side benchmark of `genrec predict` and the Python pipeline a user would otherwise run
# (scripts/bench_predict_peer.py: soundfile + torchaudio features + the same CNN in PyTorch),
# both as whole processes, same threads, in one run:
#   1. latency of one 30 s file (start to result printed), median of REPS runs
#   2. throughput over the 50 gtzan-mini clips (1,500 s of audio) with 2 threads
# Usage: scripts/bench_predict.sh [REPS]   (BUILD_DIR=build; needs ../shared/data)
# Another model: GENREC_MODEL=FILE.genrec (the peer builds that model's network and front end,
# from what `genrec info` says of it).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-5}"
BUILD_DIR="${BUILD_DIR:-build}"
DATA="$(cd .. && pwd)/shared/data/gtzan-mini/genres_original"
CLIP="$DATA/blues/blues.00000.wav"
[ -d "$DATA" ] || { echo "needs ../shared/data/gtzan-mini" >&2; exit 1; }
if ! /usr/bin/python3 -c "import torchaudio, soundfile" 2>/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "needs: sudo apt-get install -y python3-torch python3-torchaudio python3-soundfile" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchaudio python3-soundfile >&2
fi
[ -x "$BUILD_DIR/bin/genrec" ] || { cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2; cmake --build "$BUILD_DIR" -j"$(nproc)" --target genrec >&2; }
GENREC="$BUILD_DIR/bin/genrec"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
RSS_LOG="$(mktemp)"
INFO="$(mktemp)"
trap 'rm -f "$RSS_LOG" "$INFO"' EXIT
"$GENREC" info --format json > "$INFO"
# median wall seconds of REPS runs of a command; the peak RSS (MB) of the last run in $RSS_LOG
median_wall() {
  local times=()
  for _ in $(seq "$REPS"); do
    local t0; t0=$(now); /usr/bin/time -f "%M" -o "$RSS_LOG" "$@" > /dev/null; local t1; t1=$(now)
    times+=("$(calc "$t1 - $t0")")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
rss_mb() { awk '{printf "%.0f", $1 / 1024}' "$RSS_LOG"; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); model ${GENREC_MODEL:-default}, peer network from genrec info"
g1=$(median_wall "$GENREC" --threads 2 predict --format json "$CLIP"); g1m=$(rss_mb)
p1=$(median_wall /usr/bin/python3 scripts/bench_predict_peer.py "$INFO" 2 "$CLIP"); p1m=$(rss_mb)
gd=$(median_wall "$GENREC" --threads 2 predict --format jsonl "$DATA"); gdm=$(rss_mb)
pd=$(median_wall /usr/bin/python3 scripts/bench_predict_peer.py "$INFO" 2 "$DATA"); pdm=$(rss_mb)
audio_s=$(find "$DATA" -name '*.wav' | wc -l | awk '{print $1 * 30}')
printf '%-34s %10s %10s %8s\n' "" genrec python ratio
printf '%-34s %9.3fs %9.3fs %7.1fx\n' "one 30 s file, whole process" "$g1" "$p1" "$(calc "$p1 / $g1")"
printf '%-34s %9.3fs %9.3fs %7.1fx\n' "50 clips (${audio_s} s audio), 2 thr" "$gd" "$pd" "$(calc "$pd / $gd")"
printf '%-34s %9.0fx %9.0fx\n' "x real time (directory)" "$(calc "$audio_s / $gd")" "$(calc "$audio_s / $pd")"
printf '%-34s %8sMB %8sMB\n' "peak RSS, one file" "$g1m" "$p1m"
printf '%-34s %8sMB %8sMB\n' "peak RSS, directory" "$gdm" "$pdm"
echo "(median of $REPS runs each; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
