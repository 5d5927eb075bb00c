#!/usr/bin/python3
"""The audio bandwidth of every training song, by genre: a property of GTZAN's sources.

For each WAV under the given dataset folders (labels by folder, as `genrec train` reads them),
the long-term power spectrum (2048-point Hann frames, hop 512) is compared with its own level
between 2 and 4 kHz; the song's bandwidth is the highest frequency still within 50 dB of it.
A genre whose songs all stop below some frequency while another's all reach Nyquist gives a
network a cue (energy in the top bands) that says which source a clip came from, not how the
music sounds; models/README.md ("Eleventh round") uses this to choose `max_input_hz`.

Usage: /usr/bin/python3 scripts/bandwidth_by_genre.py DATASET...
  e.g. scripts/bandwidth_by_genre.py ../shared/data/gtzan-mini ../shared/data/gtzan-snippets
needs python3-numpy and python3-soundfile (apt).
"""
import collections
import os
import sys

import numpy as np
import soundfile as sf

N_FFT = 2048
HOP = 512
BELOW_DB = 50.0


def bandwidth_hz(path):
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    x = x.mean(axis=1)
    if len(x) < N_FFT:
        raise ValueError(f"shorter than one {N_FFT}-sample frame")
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP]
    power = (np.abs(np.fft.rfft(frames * np.hanning(N_FFT), axis=1)) ** 2).mean(axis=0)
    level = 10 * np.log10(power + 1e-20)
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / sr)
    ref = np.median(level[(freqs > 2000) & (freqs < 4000)])
    return float(freqs[np.nonzero(level > ref - BELOW_DB)[0].max()])


def main(datasets):
    by_genre = collections.defaultdict(list)
    failed = 0
    for root in datasets:
        base = os.path.join(root, "genres_original")
        base = base if os.path.isdir(base) else root
        if not os.path.isdir(base):
            print(f"error: {root}: not a folder", file=sys.stderr)
            failed += 1
            continue
        for genre in sorted(os.listdir(base)):
            folder = os.path.join(base, genre)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".wav"):
                    continue
                path = os.path.join(folder, name)
                try:
                    by_genre[genre].append(bandwidth_hz(path))
                except (RuntimeError, ValueError) as e:  # soundfile's decode errors, short files
                    print(f"error: {path}: {e}", file=sys.stderr)
                    failed += 1
    print(f"{'genre':10s} {'songs':>5s} {'min Hz':>7s} {'median':>7s} {'max':>7s}  share below 10.5 kHz")
    for genre, values in sorted(by_genre.items()):
        v = np.array(values)
        print(f"{genre:10s} {len(v):5d} {v.min():7.0f} {np.median(v):7.0f} {v.max():7.0f}  "
              f"{np.mean(v < 10500):.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
