#!/bin/sh
# Smoke run of the vector benchmark's own side: generate a small clustered
# set, compute exact ground truth, build and search, tabulate. Fails when a
# step fails or when recall@10 at ef 64 falls below 0.9 (a correctness
# floor on easy data, not a timing).
set -eu
vecdata=$1
bench=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$vecdata" gen --n 3000 --nq 50 --dim 32 --clusters 20 --rank 8 --sigma 0.3 \
	--seed 7 --base "$dir/b.fvecs" --query "$dir/q.fvecs"
"$vecdata" gt --base "$dir/b.fvecs" --query "$dir/q.fvecs" --k 100 \
	--threads 2 --out "$dir/gt.ivecs"
"$bench" --base "$dir/b.fvecs" --query "$dir/q.fvecs" --gt "$dir/gt.ivecs" \
	--label smoke --ef 16,64 --threads 1,2 --min-seconds 0.05 --flat 1 --sql 1 \
	>"$dir/results"
"$vecdata" bw --mib 64 --threads 1 >>"$dir/results"
cat "$dir/results"
"$vecdata" report <"$dir/results"
awk '/op=search ef=64 / { split($0, a, "recall="); r = a[2] + 0;
	if (r < 0.9) { print "recall " r " < 0.9"; bad = 1 } }
     /op=flat / { split($0, a, "recall="); r = a[2] + 0;
	if (r < 0.99) { print "flat recall " r " < 0.99"; bad = 1 } }
     END { exit bad }' "$dir/results"
