#!/usr/bin/python3
"""How a long song's segments are pooled, measured on cross-validation fold models.

The SPEC fixes a song's probabilities as the mean of its segments' probabilities. This script
asks what other pooling rules would have answered on the held-out full clips of
`scripts/cross_validate.sh` runs, so the rule's cost can be stated: the mean of probabilities
at segment temperatures 0.5, 1, 2 and 4, the mean of log-probabilities (the geometric mean,
the limit of a high temperature), and a majority vote of the segments' top genres (ties to
the mean of probabilities).

For each RUN folder (fold0.genrec ... foldN-1.genrec of one run; a fold counts once its
fold<k>.result is written, so a run still training is scored on its finished folds), fold k's
held-out clips are found as `data/split.h` cuts them: within each genre folder of CLIPS, song
i of m (in name order) is in fold floor(i * N / m). Each fold model scores its clips through
`genrec predict --segments --format csv` (probabilities to 4 decimals; a 0.0000 is read as
0.00005). Prints one line per run, its song accuracy under each rule, and their means.

Usage: /usr/bin/python3 scripts/song_pooling.py [--clips DIR] [--genrec BIN] [--folds N] RUN...
  e.g. scripts/song_pooling.py cv/s42 cv/s43 cv/s44   (CLIPS: ../shared/data/gtzan-mini)
needs python3-numpy (apt).
"""
import argparse
import collections
import csv
import glob
import io
import os
import subprocess
import sys

import numpy as np

RULES = ["T=0.5", "T=1", "T=2", "T=4", "log-mean", "vote"]
FLOOR = 5e-5


def held_out(clips, k, n_folds):
    """The clips of fold k, with their genres: data/split.h's contiguous runs per genre."""
    root = os.path.join(clips, "genres_original")
    root = root if os.path.isdir(root) else clips
    out = []
    for genre in sorted(os.listdir(root)):
        songs = sorted(glob.glob(os.path.join(root, genre, "*.wav")))
        out += [(s, genre) for i, s in enumerate(songs) if i * n_folds // len(songs) == k]
    return out


def segment_probs(genrec, model, paths):
    """{path: (labels, [segment][label] probabilities)} as the model scores them."""
    cmd = [genrec, "--quiet", "--threads", "1", "predict", "--model", model, "--segments",
           "--format", "csv"] + paths
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{model}: genrec predict failed: {done.stderr.strip()}")
    rows = list(csv.reader(io.StringIO(done.stdout)))
    head = rows[0]
    labels = head[head.index("confidence") + 1:head.index("uncertain")]
    first = head.index("confidence") + 1
    songs = collections.defaultdict(list)
    for r in rows[1:]:
        songs[r[0]].append([float(v) for v in r[first:first + len(labels)]])
    return labels, songs


def pooled(p, rule):
    """The song's scores under one rule; argmax is its answer."""
    p = np.clip(np.asarray(p, dtype=np.float64), FLOOR, 1.0)
    logp = np.log(p)
    if rule == "log-mean":
        return logp.mean(axis=0)
    if rule == "vote":
        votes = np.bincount(p.argmax(axis=1), minlength=p.shape[1]).astype(np.float64)
        return votes + 1e-3 * p.mean(axis=0)
    t = float(rule[2:])
    q = np.exp((logp - logp.max(axis=1, keepdims=True)) / t)
    return (q / q.sum(axis=1, keepdims=True)).mean(axis=0)


def finished_folds(run, n_folds):
    """The folds of a run whose fold<k>.result is written (its fold<k>.genrec is final)."""
    done = [k for k in range(n_folds)
            if os.path.exists(os.path.join(run, f"fold{k}.result"))]
    if not done:
        raise RuntimeError(f"{run}: no finished fold (fold<k>.genrec and fold<k>.result)")
    return done


def run_accuracy(genrec, run, clips, n_folds):
    """Accuracy per rule over the run's finished folds (fold<k>.genrec beside fold<k>.result)."""
    done = finished_folds(run, n_folds)
    right = collections.Counter()
    total = 0
    for k in done:
        model = os.path.join(run, f"fold{k}.genrec")
        clips_k = held_out(clips, k, n_folds)
        labels, songs = segment_probs(genrec, model, [c for c, _ in clips_k])
        for path, genre in clips_k:
            total += 1
            for rule in RULES:
                right[rule] += labels[int(np.argmax(pooled(songs[path], rule)))] == genre
    return {rule: right[rule] / total for rule in RULES}, total, len(done)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", default="../shared/data/gtzan-mini")
    ap.add_argument("--genrec", default="build/bin/genrec")
    ap.add_argument("--folds", type=int, default=5, help="folds of the runs (default 5)")
    ap.add_argument("runs", nargs="+")
    a = ap.parse_args()
    if not os.path.isdir(a.clips):
        print(f"error: {a.clips}: not a folder", file=sys.stderr)
        return 2
    print("run".ljust(40) + "".join(r.rjust(10) for r in RULES))
    all_runs, failed = [], 0
    for run in a.runs:
        try:
            acc, n, folds = run_accuracy(a.genrec, run, a.clips, a.folds)
        except (RuntimeError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            failed += 1
            continue
        all_runs.append(acc)
        label = f"{os.path.basename(os.path.normpath(run))} ({n} clips"
        label += ")" if folds == a.folds else f", {folds} of {a.folds} folds)"
        print(label.ljust(40) + "".join(f"{acc[r]:10.3f}" for r in RULES))
    if all_runs:
        print(f"mean of {len(all_runs)} runs".ljust(40) +
              "".join(f"{np.mean([x[r] for x in all_runs]):10.3f}" for r in RULES))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
