#!/usr/bin/env bash
# Load test of `genrec serve` on loopback, bounded in count and time:
#   1. 200 POST /api/predict of real 30 s clips (the 50 of ../shared/data/gtzan-mini in turn)
#      from 8 concurrent keep-alive clients, twice, against the default limits: every answer
#      must be 200;
#   2. the same load again beside 50 slow clients that each send the start of a request and
#      then one header line every 2 s, from 50 loopback addresses, reconnecting whenever the
#      server cuts them off, from 11 s before the fast clients start until they finish: every
#      fast answer must be 200; p99 latency is compared with that of the plain rounds just
#      before and after it (target: within 2x of their mean) and the slow clients' fate is
#      counted (408 after --header-timeout);
#   3. the plain load against a deliberately small queue (--max-jobs 1 --max-queue 2
#      --queue-wait 1): the only answers allowed are 200 and 503 (with Retry-After).
# Prints p50/p95/p99 latency, requests per second, counts per status and the server's resident
# memory (VmRSS) after warm-up and after each round; writes them to build/test-artifacts.
# Usage: scripts/load_test.sh [--build DIR] [--model FILE] [--requests N] [--clients C] [--slow S]
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build MODEL="" REQUESTS=200 CLIENTS=8 SLOW=50
while [ $# -gt 0 ]; do
  case "$1" in
    --slow) SLOW=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--model FILE] [--requests N] [--clients C] [--slow S]" >&2; exit 2 ;;
  esac
done
GENREC=$BUILD/bin/genrec
CLIENT=$BUILD/bin/load_client
if [ ! -x "$GENREC" ] || [ ! -x "$CLIENT" ]; then
  cmake --build "$BUILD" -j"$(nproc)" --target genrec load_client >&2
fi
OUT=$BUILD/test-artifacts
mkdir -p "$OUT"
WORK=$(mktemp -d)
PID=""
cleanup() {
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The real 30 s GTZAN clips when ../shared is present, else synthetic 30 s songs.
CLIP_DIR=../shared/data/gtzan-mini/genres_original
if [ ! -d "$CLIP_DIR" ]; then
  "$GENREC" --quiet synth --out "$WORK/synth" --per-genre 1 --seconds 30 --seed 5
  CLIP_DIR=$WORK/synth
fi
FILE_ARGS=()
while IFS= read -r f; do FILE_ARGS+=(--file "$f"); done < <(find "$CLIP_DIR" -name '*.wav' | sort)
CLIP=$CLIP_DIR
echo "clips: $((${#FILE_ARGS[@]} / 2)) from $CLIP_DIR"

start_server() {  # extra serve flags...
  local args=(serve --host 127.0.0.1 --port 0)
  [ -n "$MODEL" ] && args+=(--model "$MODEL")
  "$GENREC" "${args[@]}" "$@" 2> "$WORK/server.log" &
  PID=$!
  PORT=""
  for _ in $(seq 1 900); do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$PORT" ] || { echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
}

stop_server() {
  kill -TERM "$PID"
  local rc=0
  wait "$PID" || rc=$?
  PID=""
  [ "$rc" -eq 0 ] || { echo "server exited with $rc after SIGTERM" >&2; exit 1; }
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }

run_load() {  # name requests clients [load_client flags...]
  local name=$1 requests=$2 clients=$3
  shift 3
  "$CLIENT" --port "$PORT" "${FILE_ARGS[@]}" --requests "$requests" --clients "$clients" \
    --timeout 300 "$@" | tee "$WORK/$name.txt" >&2
  sed -n 's/^json: //p' "$WORK/$name.txt" > "$WORK/$name.json"
}

# Statuses seen, as "200 503" etc.
statuses() { grep -o '"by_status":{[^}]*}' "$WORK/$1.json" | grep -o '"-\?[0-9]*":' | tr -d '":' | xargs; }

echo "== default limits: $REQUESTS requests, $CLIENTS clients (twice)"
start_server
run_load warmup 8 2 > /dev/null 2>&1
RSS0=$(rss_kb)
run_load round1 "$REQUESTS" "$CLIENTS"
RSS1=$(rss_kb)
run_load round2 "$REQUESTS" "$CLIENTS"
RSS2=$(rss_kb)
echo "== the same load beside $SLOW slow clients trickling header lines"
# They start 11 s ahead (the default --header-timeout is 10 s): the fast clients then meet slow
# ones being cut off and reconnecting as well as slow ones trickling.
run_load slow "$REQUESTS" "$CLIENTS" --slow "$SLOW" --slow-interval 2 --slow-head-start 11
RSS3=$(rss_kb)
echo "== the plain load again (the slow round is compared with the rounds either side of it)"
run_load round3 "$REQUESTS" "$CLIENTS"
RSS4=$(rss_kb)
for extra in ${EXTRA_ROUNDS:-}; do run_load "extra$extra" "$REQUESTS" "$CLIENTS" > /dev/null 2>&1; echo "RSS after extra round $extra: $(rss_kb) kB"; done
SERVER_THREADS=$(ls "/proc/$PID/task" | wc -l)
OPEN_FILES=$(find "/proc/$PID/fd" -lname '/*' -printf '%l\n' 2>/dev/null | grep -v '^/dev/' | sort -u | xargs)
stop_server
cp "$WORK/server.log" "$OUT/load_test_server.log"
for r in round1 round2 slow round3; do
  [ "$(statuses $r)" = "200" ] || { echo "FAIL: $r answered $(statuses $r), expected only 200" >&2; exit 1; }
done

echo "== overload: --max-jobs 1 --max-queue 2 --queue-wait 1, $REQUESTS requests, $CLIENTS clients"
start_server --max-jobs 1 --max-queue 2 --queue-wait 1
run_load overload "$REQUESTS" "$CLIENTS"
stop_server
for s in $(statuses overload); do
  [ "$s" = "200" ] || [ "$s" = "503" ] || { echo "FAIL: overload answered $s" >&2; exit 1; }
done
grep -q '"503"' "$WORK/overload.json" || echo "note: the overload round produced no 503" >&2

{
  echo "{\"clips\": \"$CLIP\", \"rss_kb\": {\"after_warmup\": $RSS0, \"after_round1\": $RSS1, \"after_round2\": $RSS2, \"after_slow\": $RSS3, \"after_round3\": $RSS4},"
  echo " \"round1\": $(cat "$WORK/round1.json"), \"round2\": $(cat "$WORK/round2.json"),"
  echo " \"slow\": $(cat "$WORK/slow.json"), \"round3\": $(cat "$WORK/round3.json"),"
  echo " \"overload\": $(cat "$WORK/overload.json")}"
} > "$OUT/load_test.json"
p99() { grep -o '"p99":[0-9.]*' "$WORK/$1.json" | cut -d: -f2; }
P99_BEFORE=$(p99 round2) P99_SLOW=$(p99 slow) P99_AFTER=$(p99 round3)
RATIO=$(awk -v s="$P99_SLOW" -v a="$P99_BEFORE" -v b="$P99_AFTER" 'BEGIN { printf "%.2f", 2 * s / (a + b) }')
echo "p99 latency: $P99_SLOW ms beside $SLOW slow clients; without them $P99_BEFORE ms before and $P99_AFTER ms after: ${RATIO}x their mean (target: within 2x)"
grep '^slow clients:' "$WORK/slow.txt"
echo "server RSS: $((RSS0 / 1024)) MiB after warm-up, $((RSS1 / 1024)) MiB after round 1, $((RSS2 / 1024)) MiB after round 2, $((RSS3 / 1024)) MiB after the slow-client round, $((RSS4 / 1024)) MiB after round 3; $SERVER_THREADS threads"
echo "files the server held open (besides /dev): ${OPEN_FILES:-none}"
echo "PASS: rounds 1-3 and the slow-client round all 200; overload only 200/503. Summary: $OUT/load_test.json"
