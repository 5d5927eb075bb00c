#!/usr/bin/python3
"""The Python peer of bench/bench_train.cpp: the same CNN (built from the [model] table of a
genrec config), batch size, optimizer and loss in PyTorch (Debian's python3-torch), timing
the compute alone (forward, loss, backward, AdamW step) on random tensors.

Usage: /usr/bin/python3 scripts/bench_train_peer.py CONFIG.toml THREADS STEPS ROUNDS WARMUP
Prints "key value" lines like bench_train.
"""
import math
import sys
import time
import tomllib

import torch
import torch.nn as nn


def hz_to_mel(hz):
    """librosa.hz_to_mel(htk=False): linear below 1 kHz, logarithmic above."""
    return hz / (200.0 / 3) if hz < 1000 else 15.0 + math.log(hz / 1000) / (math.log(6.4) / 27)


def mel_to_hz(mel):
    return mel * (200.0 / 3) if mel < 15.0 else 1000 * math.exp((mel - 15.0) * math.log(6.4) / 27)


def input_bands(features, arch):
    """CnnConfig::input_bands: the lowest mel bands whose filter ends at or below max_input_hz."""
    n_mels = features.get("n_mels", 128)
    limit = arch.get("max_input_hz", 0.0)
    if limit <= 0:
        return n_mels
    lo = hz_to_mel(features.get("fmin", 0.0))
    hi = hz_to_mel(features.get("fmax", features.get("sample_rate", 22050) / 2))
    edges = [mel_to_hz(lo + (hi - lo) * i / (n_mels + 1)) for i in range(n_mels + 2)]
    n = 0
    while n < n_mels and edges[n + 2] <= limit:
        n += 1
    return n


class ResidualUnit(nn.Module):
    """Mirror of lib/train/cnn.h's ResidualUnitImpl: x -> ReLU(x + branch(x)), the branch n
    (conv -> BN) with a ReLU between them."""

    def __init__(self, channels, k, n):
        super().__init__()
        layers = []
        for i in range(n):
            layers += [nn.Conv2d(channels, channels, k, padding=k // 2, bias=False),
                       nn.BatchNorm2d(channels)]
            if i + 1 < n:
                layers.append(nn.ReLU(inplace=True))
        self.branch = nn.Sequential(*layers)

    def forward(self, x):
        return torch.relu(x + self.branch(x))


class GenreCnn(nn.Module):
    """Mirror of lib/train/cnn.cpp: the input bands, per-band normalisation, blocks of
    (conv -> BN -> ReLU) x k -> 2x2 max pool [-> residual unit], global avg/max pooling,
    dropout, linear."""

    def __init__(self, arch, features, n_labels):
        super().__init__()
        n_mels = input_bands(features, arch)
        self.n_bands = n_mels
        self.register_buffer("norm_mean", torch.zeros(n_mels))
        self.register_buffer("norm_std", torch.ones(n_mels))
        layers, c_in = [], 1
        k = arch.get("kernel_size", 3)
        for c_out in arch.get("channels", [8, 16, 32, 64]):
            for _ in range(arch.get("convs_per_block", 1)):
                layers += [nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False),
                           nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
                c_in = c_out
            layers.append(nn.MaxPool2d(2))
            if arch.get("residual_convs", 0) > 0:
                layers.append(ResidualUnit(c_out, k, arch["residual_convs"]))
        self.blocks = nn.Sequential(*layers)
        self.pooling = arch.get("pooling", "avgmax")
        self.relative = arch.get("input_reference", "absolute") == "window_max"
        self.dropout = nn.Dropout(arch.get("dropout", 0.3))
        if self.pooling == "time_avgmax":
            bins = n_mels
            for _ in arch.get("channels", [8, 16, 32, 64]):
                bins //= 2
            width = 2 * c_in * max(1, bins)
        else:
            width = c_in * (2 if self.pooling == "avgmax" else 1)
        self.head = nn.Linear(width, n_labels)

    def forward(self, x):
        x = x[:, : self.n_bands]
        if self.relative:
            x = x - x.amax((1, 2), keepdim=True)
        x = (x - self.norm_mean.view(1, -1, 1)) / self.norm_std.view(1, -1, 1)
        x = self.blocks(x.unsqueeze(1))
        if self.pooling == "avg":
            p = x.mean((2, 3))
        elif self.pooling == "max":
            p = x.amax((2, 3))
        elif self.pooling == "time_avgmax":
            p = torch.cat([x.mean(3), x.amax(3)], 1).flatten(1)
        else:
            p = torch.cat([x.mean((2, 3)), x.amax((2, 3))], 1)
        return self.head(self.dropout(p))


def main():
    config_path, threads, steps, rounds, warmup = sys.argv[1], *map(int, sys.argv[2:6])
    with open(config_path, "rb") as f:
        config = tomllib.load(f)
    arch, train = config.get("model", {}), config.get("train", {})
    features = config.get("features", {})
    n_mels = features.get("n_mels", 128)
    n_frames = 1 + round(features.get("segment_seconds", 3.0) * features.get("sample_rate", 22050)) // features.get("hop_length", 512)
    batch_size = train.get("batch_size", 32)
    n_labels = 10

    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = GenreCnn(arch, features, n_labels)
    net.train()
    opt = torch.optim.AdamW(net.parameters(), lr=train.get("lr", 3e-3),
                            weight_decay=train.get("weight_decay", 1e-2))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=train.get("label_smoothing", 0.1))
    x = torch.rand(batch_size, n_mels, n_frames) * 80 - 80
    y = torch.randint(0, n_labels, (batch_size,))

    def step():
        logits = net(x)
        loss = loss_fn(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    rates = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch_size / (time.perf_counter() - t0))
    rates.sort()
    print(f"torch_version {torch.__version__}")
    print(f"threads {torch.get_num_threads()}")
    print(f"batch_size {batch_size}")
    print(f"parameters {sum(p.numel() for p in net.parameters())}")
    print(f"compute_windows_per_s {rates[len(rates) // 2]:.2f}")
    print(f"compute_windows_per_s_best {rates[-1]:.2f}")


if __name__ == "__main__":
    main()
