#!/usr/bin/env bash
# Usage: install_test.sh BUILD_DIR EXAMPLE.c [EXTRA_CFLAGS]
set -euo pipefail
build=$1 example=$2 extra=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log"
for f in include/alopex.h include/alopex_plugin.h; do
	test -f "$tmp/prefix/$f" || { echo "FAIL: $f not installed"; exit 1; }
done
pc=$(find "$tmp/prefix" -name alopex.pc | head -n 1)
test -n "$pc" || { echo "FAIL: alopex.pc not installed"; exit 1; }
# The .pc names the configured prefix; point it at the scratch one.
configured=$(sed -n 's/^prefix=//p' "$pc")
sed -i "s#${configured}#$tmp/prefix#g" "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")

echo "pkg-config --modversion alopex: $(pkg-config --modversion alopex)"
# shellcheck disable=SC2046,SC2086
cc -std=c17 -Wall -Wextra -Werror $extra -o "$tmp/example-shared" "$example" \
	$(pkg-config --cflags --libs alopex)
# shellcheck disable=SC2046,SC2086
cc -std=c17 -Wall -Wextra -Werror $extra -o "$tmp/example-static" "$example" \
	$(pkg-config --cflags alopex) -Wl,-Bstatic $(pkg-config --libs-only-l alopex) \
	-Wl,-Bdynamic $(pkg-config --static --libs alopex | sed 's/-lalopex//')

libdir=$(pkg-config --variable=libdir alopex)
LD_LIBRARY_PATH=$libdir "$tmp/example-shared" "$tmp/data-shared" | tee "$tmp/out1"
"$tmp/example-static" "$tmp/data-static" | tee "$tmp/out2"
grep -q "fox=arctic" "$tmp/out1" && grep -q "fox=arctic" "$tmp/out2" ||
	{ echo "FAIL: example output"; exit 1; }
if ldd "$tmp/example-static" | grep -q libalopex; then
	echo "FAIL: static example links libalopex.so"; exit 1
fi
echo "install_pkgconfig: OK"
