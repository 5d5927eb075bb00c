#!/usr/bin/python3
"""The Python pipeline a user would otherwise run for `genrec predict`, for scripts/bench_predict.sh:
soundfile decode -> mono -> (torchaudio resample when needed) -> 3 s segments ->
torchaudio MelSpectrogram + AmplitudeToDB (genrec's parameters) -> the same CNN in PyTorch
(scripts/bench_train_peer.py's GenreCnn, random weights: the compute is what is measured; with
[model] ensemble = K, K such networks whose probabilities are averaged) -> mean of segment
probabilities. One process; prints one line per file like `genrec predict`.

The network and front end are the model's own: MODEL_INFO.json is what `genrec info --format json`
prints for the model being compared (its "arch", "features" and "labels").

Usage: /usr/bin/python3 scripts/bench_predict_peer.py MODEL_INFO.json THREADS PATH...
"""
import os
import sys
import json

import soundfile
import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_train_peer import GenreCnn  # noqa: E402


def audio_files(paths):
    exts = (".wav", ".au", ".flac", ".ogg", ".mp3")
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in sorted(os.walk(p)):
                for n in sorted(names):
                    if n.lower().endswith(exts):
                        yield os.path.join(root, n)
        else:
            yield p


def main():
    info_path, threads, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with open(info_path, encoding="utf-8") as f:
        info = json.load(f)
    feat, arch, n_labels = info["features"], info["arch"], len(info["labels"])
    sr = feat.get("sample_rate", 22050)
    seg = round(feat.get("segment_seconds", 3.0) * sr)
    torch.set_num_threads(threads)
    nets = [GenreCnn(arch, feat, n_labels).eval() for _ in range(arch.get("ensemble", 1))]
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=sr, n_fft=feat.get("n_fft", 2048), hop_length=feat.get("hop_length", 512),
        f_min=feat.get("fmin", 0.0), f_max=feat.get("fmax", sr / 2), n_mels=feat.get("n_mels", 128),
        center=True, pad_mode="reflect", power=2.0, norm="slaney", mel_scale="slaney")
    to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=feat.get("top_db", 80.0))
    for path in audio_files(paths):
        y, file_sr = soundfile.read(path, dtype="float32", always_2d=True)
        y = torch.from_numpy(y.mean(axis=1))
        if file_sr != sr:
            y = torchaudio.functional.resample(y, file_sr, sr)
        n = max(1, y.numel() // seg)
        if y.numel() < seg:
            y = torch.nn.functional.pad(y, (0, seg - y.numel()))
        segments = y[: n * seg].reshape(n, seg)
        with torch.inference_mode():
            probs = []
            for batch in segments.split(16):
                # top_db is per segment, as in genrec: one AmplitudeToDB call per segment.
                x = torch.stack([to_db(mel(s)) for s in batch])
                probs.append(sum(torch.softmax(net(x), dim=1) for net in nets) / len(nets))
            song = torch.cat(probs).mean(0)
        print(f"{path}\t{int(song.argmax())}\t{float(song.max()):.4f}")


if __name__ == "__main__":
    main()
