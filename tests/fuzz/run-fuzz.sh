#!/bin/sh
# Build every libFuzzer target with clang and run each for a bounded time.
#
#   tests/fuzz/run-fuzz.sh [seconds]     (default 60 seconds per fuzzer)
#
# The fuzzers need clang while the project builds with the default
# compiler, so this configures its own build directory (ALOPEX_FUZZ_BUILD_DIR,
# default build-fuzz/ in the source tree) with CC=clang. New inputs go to a
# work corpus in that directory; the seeds in tests/fuzz/corpus/<name>/ are
# only read. The in-memory engine is built in (fuzz_sql_exec runs on it;
# clang's ASan cannot link it as a shared module). A crash leaves its input in build-fuzz/fuzz-artifacts/ and makes
# the script exit non-zero.
set -eu

seconds=${1:-60}
case $seconds in
'' | *[!0-9]*)
	echo "usage: $0 [seconds]" >&2
	exit 2
	;;
esac

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ALOPEX_FUZZ_BUILD_DIR:-$src/build-fuzz}
jobs=${ALOPEX_FUZZ_JOBS:-2}

mkdir -p "$build"
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DALOPEX_BUILD_FUZZ=ON -DALOPEX_SANITIZE=ON -DALOPEX_BUILD_TESTS=ON \
	-DALOPEX_PLUGIN_MEMORY=STATIC \
	-DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >"$build/configure.log" 2>&1 || {
	cat "$build/configure.log" >&2
	exit 1
}

targets=""
for f in "$src"/tests/fuzz/fuzz_*.c; do
	targets="$targets $(basename "$f" .c)"
done
for t in $targets; do
	cmake --build "$build" -j"$jobs" --target "$t"
done

mkdir -p "$build/fuzz-artifacts"
status=0
for t in $targets; do
	name=${t#fuzz_}
	corpus=$name
	[ "$name" = sql_parse ] && corpus=sql
	work="$build/fuzz-corpus/$name"
	mkdir -p "$work"
	dict=""
	if [ -f "$src/tests/fuzz/$t.dict" ]; then
		dict="-dict=$src/tests/fuzz/$t.dict"
	fi
	echo "== $t: ${seconds}s"
	# -max_total_time bounds the run; -timeout catches a hang per input.
	# shellcheck disable=SC2086
	if ! "$build/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz-artifacts/$t-" $dict \
		"$work" "$src/tests/fuzz/corpus/$corpus"; then
		echo "== $t FAILED; inputs in $build/fuzz-artifacts/" >&2
		status=1
	fi
done
exit $status
