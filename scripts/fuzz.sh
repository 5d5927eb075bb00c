#!/usr/bin/env bash
# Builds the libFuzzer targets (Debian's clang, -fsanitize=fuzzer,address,undefined) in
# build-fuzz/ and runs each for SECONDS (default 60), one after another, from seed corpora
# made from the test data. Corpora grow in build-fuzz/corpus/<target>/; crashes land in
# build-fuzz/findings/<target>/ (keep each, once fixed, in fuzz/regressions/<target>/).
# Appends "target executions cpu_s wall_s crashes" per run to build-fuzz/fuzz-log.tsv.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     TARGET: model_file decode config upload manifest
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_file decode config upload manifest)
data=../shared/data

# The same build directory as the sanitized test suite (scripts/test_sanitized.sh configures it).
[ -f build-fuzz/CMakeCache.txt ] || scripts/test_sanitized.sh --configure
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"

# Seeds: the head of each test-data format, the shipped model (as-is and resealed), a few
# configs, and HTTP requests carrying a small WAV.
seeds=build-fuzz/seeds
rm -rf "$seeds" && mkdir -p "$seeds"/{model_file,decode,config,upload,manifest}
for f in "$data"/formats/*.{au,wav,mp3,flac,ogg} "$data"/gtzan-mini/genres_original/blues/blues.00000.wav; do
  [ -f "$f" ] && head -c 16384 "$f" >"$seeds/decode/$(basename "$f")"
done
model=models/genrec-gtzan-290.genrec
{ printf '\x00'; cat "$model"; } >"$seeds/model_file/shipped"
{ printf '\x01'; head -c -16 "$model"; } >"$seeds/model_file/shipped-unsealed"
i=0
for cfg in configs/*.toml; do
  { printf '\x00'; cat "$cfg"; } >"$seeds/config/toml-$i"; i=$((i + 1))
done
printf '\x01{"sample_rate":22050,"n_fft":2048,"hop_length":512,"n_mels":128}' >"$seeds/config/features"
printf '\x02{"type":"cnn","channels":[16,32],"kernel_size":3,"pooling":"avgmax"}' >"$seeds/config/arch"
printf '\x03{"epochs":2,"lr":0.001,"mixup_alpha":0.2}' >"$seeds/config/train"
printf '\x04{"trained_songs":[{"file":"a/b.wav","fingerprint":"0123456789abcdef"}]}' >"$seeds/config/seen"
wav="$seeds/decode/disco.00000.16k-mono.wav"
if [ -f "$wav" ]; then
  len=$(stat -c %s "$wav")
  { printf 'POST /api/predict?name=x.wav HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n' "$len"; cat "$wav"; } \
    >"$seeds/upload/raw"
  { printf -- '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    cat "$wav"; printf -- '\r\n--XyZ--\r\n'; } >"$seeds/upload.body"
  { printf 'POST /api/predict HTTP/1.1\r\nHost: a\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %d\r\n\r\n' \
      "$(stat -c %s "$seeds/upload.body")"; cat "$seeds/upload.body"; } >"$seeds/upload/multipart"
  rm -f "$seeds/upload.body"
fi
printf 'GET /api/health HTTP/1.1\r\nHost: a\r\n\r\n' >"$seeds/upload/health"
printf 'DELETE /api/predict HTTP/1.1\r\nHost: a\r\n\r\n' >"$seeds/upload/method"
# Manifests (first byte: 0 CSV, 1 TSV, 2 FMA tracks.csv; the target provides a.wav, b.wav and
# FMA tracks 2 and 5 in fma_small/), and the heads of the test data's own CSV/TSV lists.
printf '\x00path,label,split\r\na.wav,rock,train\r\n"b.wav",jazz,test\r\n"c, ""d"".wav",jazz,\r\n' \
  >"$seeds/manifest/csv"
printf '\x01path\tlabel\na.wav\trock\nb.wav\tjazz\n' >"$seeds/manifest/tsv"
printf '\x02,track,set,set\n,genre_top,subset,split\ntrack_id,,,\n2,Rock,small,training\n5,"Pop",small,test\n' \
  >"$seeds/manifest/fma"
for f in "$data"/formats/labels.tsv "$data"/gtzan-snippets/metadata.csv "$data"/gtzan-mini/features_30_sec.csv; do
  kind='\x00' && [ "${f##*.}" = tsv ] && kind='\x01'
  [ -f "$f" ] && { printf "$kind"; head -c 8192 "$f"; } >"$seeds/manifest/$(basename "$f")"
done

# Leaks inside the system libraries that genrec cannot free (each one explained in the file).
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
log=build-fuzz/fuzz-log.tsv
[ -f "$log" ] || printf 'date\ttarget\texecutions\tcpu_s\twall_s\tcrashes\n' >"$log"
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t findings=build-fuzz/findings/$t
  mkdir -p "$corpus" "$findings"
  start=$(date +%s)
  set +e
  times=$(mktemp build-fuzz/time.XXXXXX)  # one per run: concurrent fuzz.sh runs must not share it
  /usr/bin/time -f '%U %S' -o "$times" \
    build-fuzz/bin/fuzz_"$t" -max_total_time="$seconds" -max_len=65536 -timeout=30 \
    -rss_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1 \
    "$corpus" "$seeds/$t" 2>build-fuzz/fuzz-"$t".log
  set -e
  wall=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/fuzz-"$t".log | tail -1)
  cpu=$(awk '{ printf "%.0f", $1 + $2 }' "$times")
  rm -f "$times"
  crashes=$(find "$findings" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "${execs:-0}" "$cpu" "$wall" "$crashes" | tee -a "$log"
done
