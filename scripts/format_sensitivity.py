#!/usr/bin/python3
"""How much a model's song probabilities move when a recording is re-encoded.

For every *.hq.ogg recording in ../shared/data/formats (non-GTZAN music), its first 30 s
(mono) are written as a float WAV at the source rate (the original), as 44.1 kHz stereo Ogg
Vorbis (libsndfile's default quality) and as a 16 kHz WAV (FFT band limit at 8 kHz); each is
classified by `genrec predict` with each model, and the largest change of any genre's
probability against the original is printed per model and copy, and the largest per model.

Usage: /usr/bin/python3 scripts/format_sensitivity.py MODEL.genrec...
needs python3-numpy and python3-soundfile (apt); BUILD_DIR (build) holds bin/genrec.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMATS = os.path.join(os.path.dirname(ROOT), "shared", "data", "formats")
GENREC = os.path.join(ROOT, os.environ.get("BUILD_DIR", "build"), "bin", "genrec")


def probabilities(model, path):
    out = subprocess.run([GENREC, "--threads", "1", "predict", "-m", model, "-f", "json", "-k",
                          "1000", path], capture_output=True, text=True, check=True).stdout
    p = {g["genre"]: g["p"] for g in json.loads(out)["top"]}
    return np.array([p[k] for k in sorted(p)])


def main(models):
    tmp = tempfile.mkdtemp()
    largest = np.zeros((len(models), 2))
    label = [os.path.join(os.path.basename(os.path.dirname(os.path.abspath(m))),
                          os.path.basename(m))[-24:] for m in models]
    print("recording                 " + "".join(f"  {n:>24} ogg/16k" for n in label))
    for name in sorted(f for f in os.listdir(FORMATS) if f.endswith(".hq.ogg")):
        x, rate = sf.read(os.path.join(FORMATS, name))
        x = (x.mean(axis=1) if x.ndim > 1 else x)[:30 * rate].astype(np.float32)
        original, ogg, low = (os.path.join(tmp, f) for f in ("o.wav", "c.ogg", "c16.wav"))
        sf.write(original, x, rate, subtype="FLOAT")
        sf.write(ogg, np.stack([x, x], axis=1), rate, format="OGG", subtype="VORBIS")
        n16 = int(len(x) * 16000 / rate)
        y = np.fft.irfft(np.fft.rfft(x)[: n16 // 2 + 1], n16) * (n16 / len(x))
        sf.write(low, y.astype(np.float32), 16000, subtype="FLOAT")
        row = f"{name[:24]:<24}"
        for i, m in enumerate(models):
            p0 = probabilities(m, original)
            d_ogg = np.abs(probabilities(m, ogg) - p0).max()
            d_low = np.abs(probabilities(m, low) - p0).max()
            row += f"  {d_ogg:>24.3f} {d_low:.3f}"
            largest[i] = np.maximum(largest[i], (d_ogg, d_low))
        print(row, flush=True)
    print(f"{'largest':<24}" + "".join(f"  {o:>24.3f} {w:.3f}" for o, w in largest))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
