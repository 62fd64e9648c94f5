#!/bin/sh
# Build alopex-sql-bench (Release, no sanitizers, its own build directory)
# and run it: the embedded SQL API against SQLite, side by side, in one
# process, then a filtered scan over 1M rows (both sides) and exact k-NN
# over 100k x 128 vectors (ours, SQL and a raw kernel loop) against the
# memory read bandwidth measured in the same run. Arguments go to the
# benchmark (--rows N --selects N --rounds R --fsync-commits N
# --fsync-seconds S --scan-rows N --knn-rows N --knn-dim D --stream-mb MB
# ...; --scan-rows 0 / --knn-rows 0 skip a phase). About 2 minutes.
#
#   tests/bench/run-sql-bench.sh          # 100k rows, 200k selects, 3 rounds
#   tests/bench/run-sql-bench.sh --rows 20000 --selects 20000 --rounds 1
# ALOPEX_BENCH_CFLAGS adds compiler flags (e.g. -march=native).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build-bench-release"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
	-DALOPEX_SANITIZE=OFF -DALOPEX_BUILD_TESTS=ON -DALOPEX_BUILD_BENCH=ON \
	-DCMAKE_C_FLAGS="${ALOPEX_BENCH_CFLAGS:-}" \
	>"$build.cmake.log" 2>&1 || {
	cat "$build.cmake.log" >&2
	exit 1
}
rm -f "$build.cmake.log"
cmake --build "$build" -j2 --target alopex-sql-bench >/dev/null || {
	echo "build failed; rerun: cmake --build $build --target alopex-sql-bench" >&2
	exit 1
}

echo "== machine"
echo "nproc:   $(nproc)"
echo "cpu:     $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "kernel:  $(uname -sr)"
echo "uptime: $(uptime)"
echo "fs:      $(df -hT "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2 " on " $7}')"
echo "== versions"
echo "compiler: $(${CC:-cc} --version | head -n 1)"
echo "sqlite:   $(pkg-config --modversion sqlite3) (libsqlite3)"
echo "wiredtiger: $(pkg-config --modversion wiredtiger) (libwiredtiger)"
echo "alopex:   git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none), Release (-O3), extra flags: ${ALOPEX_BENCH_CFLAGS:-none}"
echo "threads:  1 client thread, not pinned (WiredTiger runs background threads)"
echo "== benchmark"
exec "$build/tests/bench/alopex-sql-bench" "$@"
