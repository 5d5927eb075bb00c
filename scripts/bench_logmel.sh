#!/usr/bin/env bash
# Benchmarks the log-Mel front end against torchaudio on the same 30 s clip, single-threaded.
# Builds bench_logmel, runs it, runs the Python peer (Debian's python3-torchaudio:
# MelSpectrogram + AmplitudeToDB with genrec's parameters, torch.set_num_threads(1)),
# and prints both medians and the ratio.
# Usage: scripts/bench_logmel.sh [REPS]   (BUILD_DIR=build by default; CLIP=file.wav to override)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS="${1:-100}"
BUILD_DIR="${BUILD_DIR:-build}"
DATA="$(cd .. && pwd)/shared/data"
CLIP="${CLIP:-$DATA/gtzan-mini/genres_original/blues/blues.00000.wav}"
[ -f "$CLIP" ] || { echo "no clip at $CLIP (set CLIP=path/to/30s.wav)" >&2; exit 1; }

if ! /usr/bin/python3 -c "import torchaudio, soundfile, numpy" 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "needs: sudo apt-get install -y python3-torch python3-torchaudio python3-soundfile python3-numpy" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchaudio \
    python3-soundfile python3-numpy >&2
fi

[ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$BUILD_DIR" -j"$(nproc)" --target bench_logmel >&2

GENREC_OUT="$("$BUILD_DIR/bin/bench_logmel" --reps "$REPS" --clip "$CLIP" --data "$DATA")"
echo "== genrec (bench/bench_logmel.cpp)"
echo "$GENREC_OUT"

echo "== torchaudio (/usr/bin/python3)"
PY_OUT="$(/usr/bin/python3 - "$CLIP" "$REPS" <<'PY'
import sys, time
import numpy as np, soundfile as sf, torch, torchaudio
torch.set_num_threads(1)
clip, reps = sys.argv[1], int(sys.argv[2])
y, sr = sf.read(clip, dtype="float32")
assert sr == 22050 and y.ndim == 1, (sr, y.shape)
x = torch.from_numpy(y)
mel = torchaudio.transforms.MelSpectrogram(
    sample_rate=22050, n_fft=2048, hop_length=512, center=True, pad_mode="reflect", power=2.0,
    n_mels=128, f_min=0.0, f_max=11025.0, norm="slaney", mel_scale="slaney",
    window_fn=lambda n: torch.hann_window(n, periodic=True))
to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)
with torch.inference_mode():
    to_db(mel(x))  # warm-up
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = to_db(mel(x))
        ms.append((time.perf_counter() - t0) * 1000.0)
print(f"torch {torch.__version__} torchaudio {torchaudio.__version__} threads {torch.get_num_threads()}")
print(f"logmel_frames {out.shape[-1]}")
print(f"logmel_ms {float(np.median(ms)):.3f}")
print(f"logmel_min_ms {min(ms):.3f}")
print(f"logmel_x_realtime {len(y) / sr * 1000.0 / float(np.median(ms)):.0f}")
PY
)"
echo "$PY_OUT"

g=$(echo "$GENREC_OUT" | awk '$1 == "logmel_ms" {print $2}')
t=$(echo "$PY_OUT" | awk '$1 == "logmel_ms" {print $2}')
gmin=$(echo "$GENREC_OUT" | awk '$1 == "logmel_min_ms" {print $2}')
tmin=$(echo "$PY_OUT" | awk '$1 == "logmel_min_ms" {print $2}')
echo "== summary ($REPS reps, one thread, one 30 s clip; load average $(cut -d' ' -f1 /proc/loadavg))"
awk -v g="$g" -v t="$t" -v gm="$gmin" -v tm="$tmin" 'BEGIN {
  printf "median: genrec %.3f ms, torchaudio %.3f ms, genrec is %.2fx faster (targets: <= 12 ms, >= 5x)\n",
         g, t, t / g
  printf "min:    genrec %.3f ms, torchaudio %.3f ms, ratio %.2fx\n", gm, tm, tm / gm }'
