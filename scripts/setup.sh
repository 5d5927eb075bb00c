#!/usr/bin/env bash
# Installs every Debian package genrec needs (idempotent) and builds Release into build/.
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config git
  libtorch-dev libgloo-dev libopenblas0-pthread
  libsndfile1-dev libsoxr-dev libkissfft-dev libpng-dev libcairo2-dev libpango1.0-dev
  fonts-dejavu-core fonts-wqy-microhei
  libcli11-dev libspdlog-dev nlohmann-json3-dev libcpp-httplib-dev libtomlplusplus-dev libcsv-dev
  libgtest-dev parallel
  zsh  # the completion test checks the generated zsh script
  clang  # the sanitized test suite and the fuzz targets (scripts/test_sanitized.sh, fuzz.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "genrec needs these Debian packages; run this once, then re-run $0:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

[ "${1:-}" = "--no-build" ] && exit 0
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >&2
cmake --build build -j"$(nproc)" >&2
