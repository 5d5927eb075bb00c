#!/usr/bin/python3
"""Writes the log-Mel and mel-filterbank goldens under tests/golden/ with Debian's torchaudio.

Run: /usr/bin/python3 scripts/gen_goldens.py   (CI never runs this: the outputs are committed)

Reference: torchaudio.transforms.MelSpectrogram(sample_rate=22050, n_fft=2048, hop_length=512,
center=True, pad_mode="reflect", power=2, n_mels=128, f_min=0, f_max=11025, norm="slaney",
mel_scale="slaney", periodic Hann) then AmplitudeToDB(stype="power", top_db=80).

top_db extent: AmplitudeToDB takes its max over the last three dims, so a batch [B, n_mels, T]
would be floored at the max of the whole batch. genrec floors each call's input at its own max,
so every signal goes through alone as a 2-D [n_mels, T] tensor, and the script checks the
floor against a direct max(db, db.max() - 80) on that one spectrogram.

The transforms run in float64 (torch.set_default_dtype) so the goldens carry no float32 FFT
noise of their own; the float32 torchaudio result is printed beside it as a sanity figure.

File format (tests/golden/README.md): 8-byte magic b"GRGOLD1\\0", then little-endian uint32
dtype (1 = float32, 2 = int16 PCM, value / 32768), uint32 rows, uint32 cols, then the data.
"""
import os
import struct
import subprocess
import sys


def ensure_modules():
    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
        import torchaudio  # noqa: F401
    except ImportError:
        subprocess.check_call(["apt-get", "install", "-y", "python3-numpy", "python3-torch",
                               "python3-torchaudio"])


ensure_modules()
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402

SR = 22050
N = 66150  # 3 s, one genrec segment
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
MAGIC = b"GRGOLD1\0"
DTYPE_F32, DTYPE_I16 = 1, 2


def write_array(path, arr, dtype):
    arr = np.atleast_2d(arr)
    with open(path, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<III", dtype, arr.shape[0], arr.shape[1]))
        f.write(arr.astype("<f4" if dtype == DTYPE_F32 else "<i2").tobytes())


def signals():
    t = np.arange(N, dtype=np.float64) / SR
    dur = N / SR
    f0, f1 = 100.0, 10000.0
    rng = np.random.default_rng(20240601)
    sig = {
        "tone440": 0.5 * np.sin(2 * np.pi * 440.0 * t),
        "two_tone": 0.4 * np.sin(2 * np.pi * 440.0 * t) + 0.05 * np.sin(2 * np.pi * 3520.0 * t + 0.3),
        "chirp": 0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t * t / (2 * dur))),
        "noise": rng.uniform(-0.3, 0.3, N),
        "silence": np.zeros(N),
        # A short input whose length is not a multiple of hop_length.
        "short": 0.3 * np.sin(2 * np.pi * 1000.0 * t[:1500]) + rng.uniform(-0.01, 0.01, 1500),
    }
    # 16-bit PCM keeps the committed inputs small and exact in float32.
    return {k: np.clip(np.round(v * 32768.0), -32768, 32767).astype(np.int16) for k, v in sig.items()}


def logmel(x, dtype):
    torch.set_default_dtype(dtype)
    try:
        mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=SR, n_fft=2048, hop_length=512, center=True, pad_mode="reflect", power=2.0,
            n_mels=128, f_min=0.0, f_max=11025.0, norm="slaney", mel_scale="slaney",
            window_fn=lambda n: torch.hann_window(n, periodic=True))
        to_db = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=80.0)
        s = mel(torch.from_numpy(x).to(dtype))  # 1-D input -> 2-D [n_mels, T]
        db = to_db(s)
        assert db.dim() == 2
        direct = 10.0 * torch.log10(torch.clamp(s, min=1e-10))
        direct = torch.max(direct, direct.max() - 80.0)
        assert torch.allclose(db, direct, atol=1e-9, rtol=0), "top_db extent differs from genrec"
        return db.numpy().astype(np.float64)
    finally:
        torch.set_default_dtype(torch.float32)


def write_fbank(name, sr, n_fft, n_mels, fmin, fmax):
    torch.set_default_dtype(torch.float64)
    fb = torchaudio.functional.melscale_fbanks(n_fft // 2 + 1, fmin, fmax, n_mels, sr,
                                               norm="slaney", mel_scale="slaney")
    torch.set_default_dtype(torch.float32)
    fb = fb.numpy()  # [n_bins][n_mels]
    path = os.path.join(OUT, f"mel_fbank_{name}.txt")
    with open(path, "w") as f:
        f.write("# torchaudio.functional.melscale_fbanks(norm='slaney', mel_scale='slaney'), float64\n")
        f.write(f"# sample_rate n_fft n_mels fmin fmax, then one 'mel bin weight' line per nonzero\n")
        f.write(f"{sr} {n_fft} {n_mels} {fmin:.17g} {fmax:.17g}\n")
        for m in range(n_mels):
            for k in np.nonzero(fb[:, m])[0]:
                f.write(f"{m} {k} {fb[k, m]:.9e}\n")
    print(f"{path}: {np.count_nonzero(fb)} nonzero weights")


def main():
    os.makedirs(OUT, exist_ok=True)
    print(f"torch {torch.__version__}, torchaudio {torchaudio.__version__}")
    for name, pcm in signals().items():
        x = pcm.astype(np.float64) / 32768.0
        db64 = logmel(x, torch.float64)
        db32 = logmel(x.astype(np.float32), torch.float32)
        floor = db64.max() - 80.0
        live = db64 > floor + 1.0
        dev = np.abs(db32 - db64)[live].max() if live.any() else 0.0
        write_array(os.path.join(OUT, f"logmel_{name}.in.bin"), pcm, DTYPE_I16)
        write_array(os.path.join(OUT, f"logmel_{name}.db.bin"), db64, DTYPE_F32)
        print(f"{name}: {len(pcm)} samples, {db64.shape[1]} frames, max {db64.max():.3f} dB, "
              f"{(db64 <= floor).mean() * 100:.1f}% floored; float32 torchaudio vs float64: "
              f"max {dev:.2e} dB on bins > floor+1")
    write_fbank("22050_2048_128", 22050, 2048, 128, 0.0, 11025.0)
    write_fbank("16000_512_40", 16000, 512, 40, 20.0, 7600.0)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"total size of {OUT}: {total} bytes")


if __name__ == "__main__":
    sys.exit(main())
