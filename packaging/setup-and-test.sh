#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (as root), build with ASan + UBSan, and run
# the whole test suite: layout check, fuzz smoke runs, then ctest (whose
# summary closes the output). Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ALOPEX_TEST_BUILD:-"$root/build-test"}
cd "$root"

"$root/packaging/install-deps.sh"

echo "== clang-format check"
mapfile -t sources < <(git ls-files '*.c' '*.h' 2>/dev/null || find core engines plugins protocols tests -name '*.[ch]')
if [ ${#sources[@]} -gt 0 ]; then
	clang-format --dry-run --Werror "${sources[@]}"
fi
echo "clang-format: ${#sources[@]} files clean"

# The other plugin linkage and an optimised build: WiredTiger as a shared
# module, the memory engine linked in, -O2 warnings. Only the suites that do
# not assume the default linkage run here.
echo "== variant build (RelWithDebInfo, wiredtiger SHARED, memory STATIC)"
"$root/packaging/build.sh" "$root/build-variant" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DALOPEX_PLUGIN_WIREDTIGER=SHARED -DALOPEX_PLUGIN_MEMORY=STATIC -DALOPEX_BUILD_BENCH=OFF
ctest --test-dir "$root/build-variant" --output-on-failure -j2 --timeout 600 \
	-R '^(kv_contract_test|plugin_loader_test|runtime_test|config_test|arena_test|kv_batch_test|sql_parse_test|sql_value_test|sql_types2_test)$'

echo "== build (ASan + UBSan)"
"$root/packaging/build.sh" "$build" -DCMAKE_BUILD_TYPE=Debug -DALOPEX_SANITIZE=ON

if [ -x "$root/tests/fuzz/run-fuzz.sh" ]; then
	echo "== fuzz smoke runs"
	"$root/tests/fuzz/run-fuzz.sh" "${ALOPEX_FUZZ_SECONDS:-30}"
fi

# Differential check: the expected output of tests/sql/pg must be exactly
# what PostgreSQL 15 prints for the same scripts, so it cannot drift.
echo "== tests/sql/pg expectations vs PostgreSQL 15"
sh "$root/tests/sql/regen-expected.sh" >/dev/null
if ! git -C "$root" diff --exit-code --stat -- tests/sql/pg; then
	echo "tests/sql/pg/*.out differ from what PostgreSQL 15 prints (diff above)" >&2
	exit 1
fi
echo "tests/sql/pg: expectations match PostgreSQL 15"

echo "== ctest"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j2 --timeout 900
