#!/bin/sh
# The vector benchmark (BENCHMARKS.md 6.1), one command: Alopex's HNSW and
# flat indexes (C index API and SQL) against hnswlib (C++ headers from the npm
# package hnswlib-node, compiled here with -O3 -march=native) and FAISS
# IndexHNSWFlat (Debian libfaiss-dev), in the same run, rounds alternating
# between engines, medians reported, QPS compared at matched recall@10.
#
#   tests/bench/run-vector-bench.sh                 # fmnist, s128 100k, g768n 100k; 3 rounds
#   tests/bench/run-vector-bench.sh --sets s128 --rounds 1
#   tests/bench/run-vector-bench.sh --large         # adds s128 at 1M (slow: minutes per build)
#   tests/bench/run-vector-bench.sh --quick         # tiny sizes, checks the machinery
#   tests/bench/run-vector-bench.sh --count         # also: distance computations
#                                                   # per query, every engine (timing-free)
#
# Data (kept out of git, cached in build-vector-bench/data): fmnist is the
# real Fashion-MNIST from the Debian package dataset-fashion-mnist (60k base,
# the first 1,000 test images as queries, L2); s128 and g768n are the
# calibrated clustered mixtures of BENCHMARKS.md §3 (fixed seeds; g768n is
# L2-normalised and searched by inner product = cosine). Ground truth: exact,
# k = 100. Build: M = 16, ef_construction = 64, 2 threads on every engine.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/build-vector-bench"
rounds=3
sets="fmnist s128 g768n"
nq=1000
efs="10,20,40,80,160"
min_seconds=2
quick=0
count=0
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--sets) sets=$2; shift 2 ;;
	--large) sets="$sets s128-1m"; shift ;;
	--count) count=1; shift ;;
	--quick) quick=1; rounds=1; sets="s128"; nq=100; efs="10,40";
		min_seconds=0.2; shift ;;
	*) echo "run-vector-bench: unknown argument $1" >&2; exit 2 ;;
	esac
done
mkdir -p "$work/data"
data="$work/data"

say() { echo "run-vector-bench: $*" >&2; }

# --- build ours (Release, no sanitizers) ------------------------------------
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
	-DALOPEX_SANITIZE=OFF -DALOPEX_BUILD_TESTS=ON -DALOPEX_BUILD_BENCH=ON \
	>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" -j2 --target alopex-vector-bench alopex-vecdata \
	>"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }
ours="$work/build/tests/bench/vector/alopex-vector-bench"
vecdata="$work/build/tests/bench/vector/alopex-vecdata"

# --- build the peers --------------------------------------------------------
hnsw="$work/hnswlib-node"
if [ ! -f "$hnsw/package/src/hnswlib/hnswlib.h" ]; then
	say "fetching hnswlib headers (npm pack hnswlib-node@3.0.0)"
	mkdir -p "$hnsw"
	(cd "$hnsw" && npm pack hnswlib-node@3.0.0 --silent >/dev/null &&
		tar xzf hnswlib-node-3.0.0.tgz package/src/hnswlib)
fi
src="$root/tests/bench/vector/peer_ann.cpp"
g++ -O3 -march=native -DPEER_HNSWLIB -I"$hnsw/package/src" "$src" \
	-o "$work/peer-hnswlib" -lpthread
g++ -O3 -march=native -fopenmp -DPEER_FAISS "$src" -o "$work/peer-faiss" \
	-lfaiss -lblas -llapack

# --- data -------------------------------------------------------------------
make_set() {
	name=$1
	[ -f "$data/$name.gt.ivecs" ] && return 0
	say "generating $name"
	case "$name" in
	fmnist)
		fm=/usr/share/datasets/fashion-mnist
		gunzip -c "$fm/train-images-idx3-ubyte.gz" >"$data/fm-train.idx"
		gunzip -c "$fm/t10k-images-idx3-ubyte.gz" >"$data/fm-test.idx"
		"$vecdata" idx --in "$data/fm-train.idx" --out "$data/$name.base.fvecs"
		"$vecdata" idx --in "$data/fm-test.idx" --n "$nq" \
			--out "$data/$name.query.fvecs"
		rm -f "$data/fm-train.idx" "$data/fm-test.idx" ;;
	s128)
		"$vecdata" gen --n 100000 --nq "$nq" --dim 128 --clusters 100 \
			--rank 16 --sigma 0.3 --seed 1 \
			--base "$data/$name.base.fvecs" --query "$data/$name.query.fvecs" ;;
	s128-1m)
		"$vecdata" gen --n 1000000 --nq "$nq" --dim 128 --clusters 100 \
			--rank 16 --sigma 0.3 --seed 1 \
			--base "$data/$name.base.fvecs" --query "$data/$name.query.fvecs" ;;
	g768n)
		"$vecdata" gen --n 100000 --nq "$nq" --dim 768 --clusters 100 \
			--rank 64 --sigma 0.3 --seed 3 --norm \
			--base "$data/$name.base.fvecs" --query "$data/$name.query.fvecs" ;;
	s128-quick)
		"$vecdata" gen --n 5000 --nq "$nq" --dim 128 --clusters 100 \
			--rank 16 --sigma 0.3 --seed 1 \
			--base "$data/$name.base.fvecs" --query "$data/$name.query.fvecs" ;;
	*) say "unknown data set $name"; exit 2 ;;
	esac
	"$vecdata" gt --base "$data/$name.base.fvecs" \
		--query "$data/$name.query.fvecs" --k 100 --threads 2 \
		--metric "$(metric_of "$name")" --out "$data/$name.gt.ivecs"
}
metric_of() { case "$1" in g768n*) echo ip ;; *) echo l2 ;; esac; }
[ "$quick" = 1 ] && sets="s128-quick"
for s in $sets; do make_set "$s"; done

# --- machine ----------------------------------------------------------------
echo "== machine"
echo "nproc: $(nproc); cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "flags: $(grep -o -w -E 'avx512f|avx2|fma|sse4_2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "alopex: git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none), Release"
echo "peers: hnswlib (npm hnswlib-node 3.0.0 headers, g++ -O3 -march=native), FAISS $(dpkg-query -W -f='${Version}' libfaiss-dev 2>/dev/null || echo '?') IndexHNSWFlat (Debian build)"
echo "method: M=16 ef_construction=64, build 2 threads; queries one at a time, k=10, 1 and 2 threads; ${rounds} round(s), engines alternate"

# --- rounds -----------------------------------------------------------------
results="$work/results.txt"
: >"$results"
common() {
	echo --base "$data/$1.base.fvecs" --query "$data/$1.query.fvecs" \
		--gt "$data/$1.gt.ivecs" --metric "$(metric_of "$1")" --label "$1" \
		--m 16 --efc 64 --build-threads 2 --ef "$efs" --threads 1,2 \
		--min-seconds "$min_seconds"
}
r=1
while [ "$r" -le "$rounds" ]; do
	say "round $r of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	echo "loadavg round=$r $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
	"$vecdata" bw --mib 1024 --threads 1 >>"$results"
	"$vecdata" bw --mib 1024 --threads 2 >>"$results"
	for s in $sets; do
		# rotate the order so no engine always runs first
		case $((r % 3)) in
		1) order="ours hnswlib faiss" ;;
		2) order="hnswlib faiss ours" ;;
		*) order="faiss ours hnswlib" ;;
		esac
		for e in $order; do
			say "  $s: $e"
			# shellcheck disable=SC2046
			case "$e" in
			ours) "$ours" $(common "$s") --flat 1 --sql 1 >>"$results" ;;
			hnswlib) "$work/peer-hnswlib" $(common "$s") >>"$results" ;;
			faiss) "$work/peer-faiss" $(common "$s") >>"$results" ;;
			esac
			echo "loadavg after=$e data=$s $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results"
		done
	done
	r=$((r + 1))
done
echo "== results (raw lines in $results)"
"$vecdata" report <"$results"

# --- work per query (--count) -------------------------------------------------
# One build thread (a deterministic graph on every engine), one pass per ef:
# distance computations per query at each recall, free of machine noise.
if [ "$count" = 1 ]; then
	echo "== distance computations per query (1 build thread)"
	for s in $sets; do
		for e in ours hnswlib faiss; do
			# shellcheck disable=SC2046
			case "$e" in
			ours) "$ours" $(common "$s") --build-threads 1 --count 1 ;;
			hnswlib) "$work/peer-hnswlib" $(common "$s") \
				--build-threads 1 --count 1 ;;
			faiss) "$work/peer-faiss" $(common "$s") \
				--build-threads 1 --count 1 ;;
			esac | grep 'op=count'
		done
	done
fi
