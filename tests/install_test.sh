#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then, from a directory with no source tree
# around and no GENREC_MODEL, the installed genrec must find its model, its training library,
# its man page and completions from its own prefix.
# Usage: tests/install_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/genrec lib/genrec/libgenrec_train.so share/genrec/models/genrec-gtzan-290.genrec \
         share/man/man1/genrec.1 share/bash-completion/completions/genrec \
         share/zsh/vendor-completions/_genrec; do
  [ -f "$tmp/prefix/$f" ] || fail "$f not installed"
done

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
unset GENREC_MODEL
genrec="$tmp/prefix/bin/genrec"
"$genrec" --version | grep -qx "genrec [0-9.]*" || fail "--version"
"$genrec" --quiet synth --out songs --per-genre 1 --seconds 4 --seed 3
out=$("$genrec" predict --format jsonl songs/genres_original/metal) || fail "predict without --model"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "predict printed: $out"
echo "$out" | grep -q '"genre"' || fail "no genre in: $out"
"$genrec" info | grep -q "$tmp/prefix/share/genrec/models/genrec-gtzan-290.genrec" ||
  fail "info does not name the installed model"
# The training library loads from the prefix: train fails on the missing data, not on it.
if err=$("$genrec" train --data missing --out m.genrec 2>&1); then fail "train on nothing"; fi
case $err in
  *libgenrec_train*) fail "training library not found: $err" ;;
  *missing*) ;;
  *) fail "unexpected train error: $err" ;;
esac
MANPATH="$tmp/prefix/share/man" man -w genrec | grep -q "$tmp/prefix" || fail "man page not found"
echo "installed into $tmp/prefix; predict, info and train ran from $tmp/elsewhere"
