#!/usr/bin/env bash
# Load test of `genrec serve` on loopback, bounded in count and time:
#   1. 200 POST /api/predict of one 30 s clip from 8 concurrent keep-alive clients, twice,
#      against the default limits: every answer must be 200;
#   2. the same load against a deliberately small queue (--max-jobs 1 --max-queue 2
#      --queue-wait 1): the only answers allowed are 200 and 503 (with Retry-After).
# Prints p50/p95 latency, requests per second, counts per status and the server's resident
# memory (VmRSS) after warm-up and after each round; writes them to build/test-artifacts.
# Usage: scripts/load_test.sh [--build DIR] [--model FILE] [--requests N] [--clients C]
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=build MODEL="" REQUESTS=200 CLIENTS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--model FILE] [--requests N] [--clients C]" >&2; exit 2 ;;
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

# A real 30 s GTZAN clip when ../shared is present, else a synthetic 30 s song.
CLIP=../shared/data/gtzan-mini/genres_original/rock/rock.00000.wav
if [ ! -f "$CLIP" ]; then
  "$GENREC" --quiet synth --out "$WORK/synth" --per-genre 1 --seconds 30 --seed 5
  CLIP=$(find "$WORK/synth" -name '*.wav' | sort | head -n 1)
fi
echo "clip: $CLIP ($(stat -c %s "$CLIP") bytes)"

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

run_load() {  # name requests clients
  "$CLIENT" --port "$PORT" --file "$CLIP" --requests "$2" --clients "$3" --timeout 300 \
    | tee "$WORK/$1.txt" >&2
  sed -n 's/^json: //p' "$WORK/$1.txt" > "$WORK/$1.json"
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
for extra in ${EXTRA_ROUNDS:-}; do run_load "extra$extra" "$REQUESTS" "$CLIENTS" > /dev/null 2>&1; echo "RSS after extra round $extra: $(rss_kb) kB"; done
SERVER_THREADS=$(ls "/proc/$PID/task" | wc -l)
OPEN_FILES=$(find "/proc/$PID/fd" -lname '/*' -printf '%l\n' 2>/dev/null | grep -v '^/dev/' | sort -u | xargs)
stop_server
cp "$WORK/server.log" "$OUT/load_test_server.log"
for r in round1 round2; do
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
  echo "{\"clip\": \"$CLIP\", \"rss_kb\": {\"after_warmup\": $RSS0, \"after_round1\": $RSS1, \"after_round2\": $RSS2},"
  echo " \"round1\": $(cat "$WORK/round1.json"), \"round2\": $(cat "$WORK/round2.json"),"
  echo " \"overload\": $(cat "$WORK/overload.json")}"
} > "$OUT/load_test.json"
echo "server RSS: $((RSS0 / 1024)) MiB after warm-up, $((RSS1 / 1024)) MiB after round 1, $((RSS2 / 1024)) MiB after round 2; $SERVER_THREADS threads"
echo "files the server held open (besides /dev): ${OPEN_FILES:-none}"
echo "PASS: rounds 1-2 all 200; overload only 200/503. Summary: $OUT/load_test.json"
