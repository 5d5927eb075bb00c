#!/usr/bin/python3
"""How much a recording's level moves the answers of cross-validation fold models.

Music outside GTZAN is mastered at other levels than GTZAN's recordings, so a model that
answers differently when a song is played louder or quieter reads the source, not the genre.
For each RUN folder (fold models of one `scripts/cross_validate.sh` run, as
`scripts/song_pooling.py` finds them), every fold model predicts its held-out full clips as
they are and scaled by each gain (float WAV copies in a temporary folder, so nothing clips),
through `genrec predict --format csv`. Prints per run and gain: clips wrong, and clips whose
genre differs from the answer at 0 dB.

Usage: /usr/bin/python3 scripts/level_sensitivity.py [--clips DIR] [--genrec BIN]
           [--gains -12,-6,6] RUN...
needs python3-numpy and python3-soundfile (apt).
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from song_pooling import finished_folds, held_out  # noqa: E402  (one statement of each)


def answers(genrec, model, paths):
    """{path: top genre} as the model answers (the SPEC's song-level mean)."""
    cmd = [genrec, "--quiet", "--threads", "1", "predict", "--model", model, "--format", "csv",
           "--top-k", "1"] + paths
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{model}: genrec predict failed: {done.stderr.strip()}")
    rows = list(csv.reader(io.StringIO(done.stdout)))
    return {r[0]: r[1] for r in rows[1:]}


def scaled_copies(clips, gain_db, folder):
    """Float WAV copies of the clips at gain_db; {copy: original}."""
    out = {}
    for path, _ in clips:
        audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
        copy = os.path.join(folder, f"{gain_db:+g}dB-{os.path.basename(path)}")
        soundfile.write(copy, audio * np.float32(10 ** (gain_db / 20)), rate, subtype="FLOAT")
        out[copy] = path
    return out


def run_levels(genrec, run, clips_root, gains, n_folds):
    """{gain: (wrong, changed)} over the run's finished folds, and the number of clips."""
    folds = finished_folds(run, n_folds)
    wrong = {g: 0 for g in [0.0] + gains}
    changed = {g: 0 for g in gains}
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in folds:
            model = os.path.join(run, f"fold{k}.genrec")
            clips = held_out(clips_root, k, n_folds)
            truth = dict(clips)
            base = answers(genrec, model, list(truth))
            total += len(clips)
            wrong[0.0] += sum(base[p] != g for p, g in clips)
            for gain in gains:
                copies = scaled_copies(clips, gain, tmp)
                got = answers(genrec, model, list(copies))
                wrong[gain] += sum(got[c] != truth[p] for c, p in copies.items())
                changed[gain] += sum(got[c] != base[p] for c, p in copies.items())
    return wrong, changed, total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", default="../shared/data/gtzan-mini")
    ap.add_argument("--genrec", default="build/bin/genrec")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--gains", default="-12,-6,6", help="dB, comma-separated (default -12,-6,6)")
    ap.add_argument("runs", nargs="+")
    a = ap.parse_args()
    if not os.path.isdir(a.clips):
        print(f"error: {a.clips}: not a folder", file=sys.stderr)
        return 2
    try:
        gains = [float(g) for g in a.gains.split(",")]
    except ValueError:
        print(f"error: --gains {a.gains}: not a comma-separated list of dB values", file=sys.stderr)
        return 2
    print("run".ljust(28) + "  0 dB wrong" +
          "".join(f"{g:+g} dB wrong/changed".rjust(24) for g in gains))
    failed = 0
    for run in a.runs:
        try:
            wrong, changed, n = run_levels(a.genrec, run, a.clips, gains, a.folds)
        except (RuntimeError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            failed += 1
            continue
        label = f"{os.path.basename(os.path.normpath(run))} ({n} clips)"
        print(label.ljust(28) + f"{wrong[0.0]:11d}" +
              "".join(f"{wrong[g]:>18d} / {changed[g]:<3d}" for g in gains))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
