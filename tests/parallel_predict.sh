#!/usr/bin/env bash
# The README's recipe for predicting many files on several cores or machines with GNU parallel
# (parallel --pipe over `genrec predict - --format jsonl`): its sorted output must equal one
# process's, line for line. Usage: tests/parallel_predict.sh GENREC WORKDIR
set -euo pipefail
genrec=$1
work=$2
command -v parallel > /dev/null || { echo "GNU parallel is missing (scripts/setup.sh installs it)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
"$genrec" --quiet synth --out "$work/data" --per-genre 4 --seconds 4 --seed 2
find "$work/data" -name '*.wav' | sort > "$work/files"

"$genrec" --threads 1 predict - --format jsonl < "$work/files" | sort > "$work/one.jsonl"
# The recipe: blocks of 5 paths, 4 jobs at a time (add --sshlogin 8/host1,8/host2 for more
# machines: the same paths and the same genrec must exist there).
parallel --will-cite --pipe -N 5 -j 4 "$genrec" --threads 1 predict - --format jsonl \
  < "$work/files" | sort > "$work/parallel.jsonl"

n=$(wc -l < "$work/files")
[ "$(wc -l < "$work/one.jsonl")" -eq "$n" ] || { echo "one process: $(wc -l < "$work/one.jsonl") of $n lines" >&2; exit 1; }
cmp "$work/one.jsonl" "$work/parallel.jsonl" || { echo "parallel output differs from one process's" >&2; exit 1; }
echo "parallel predict: $n files, same $n sorted JSONL lines as one process"
