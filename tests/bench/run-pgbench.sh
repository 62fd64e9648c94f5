#!/bin/sh
# alopex-server against PostgreSQL 15 over the PostgreSQL protocol, with
# pgbench, one command (BENCHMARKS.md 6.2). Both servers are started here on
# loopback with matched durability (fsync on every commit; PostgreSQL
# synchronous_commit=on), loaded with `pgbench -i -s 10`, measured in
# alternating rounds, and stopped by PID at the end.
#
#   tests/bench/run-pgbench.sh                    # 3 rounds, 30 s per run
#   tests/bench/run-pgbench.sh --seconds 10 --rounds 1
#   tests/bench/run-pgbench.sh --quick            # 3 s runs, scale 1: checks the machinery
#
# Workloads: select-only (-S) with -M prepared and -M simple at 1, 8 and 32
# clients; the TPC-B-like default script at 8 clients; a custom INSERT of a
# row with a VECTOR(128) column (PostgreSQL stores it as real[] since
# pgvector is not packaged in Debian 12: same bytes on the wire, say so when
# quoting it); and the memory cost of 1,000 idle connections.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/build-pgbench"
seconds=30
rounds=3
scale=10
idle=1000
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--quick) seconds=3; rounds=1; scale=1; idle=100; shift ;;
	*) echo "run-pgbench: unknown argument $1" >&2; exit 2 ;;
	esac
done
PGBIN=/usr/lib/postgresql/15/bin
pg_port=55432
ax_port=55433
say() { echo "run-pgbench: $*" >&2; }

mkdir -p "$work"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
	-DALOPEX_SANITIZE=OFF -DALOPEX_BUILD_TESTS=ON -DALOPEX_BUILD_BENCH=ON \
	>"$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" -j2 --target alopex-server pg-idle-conns \
	>"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }

tmp=$(mktemp -d /tmp/alopex-pgbench-XXXXXX)
chmod 755 "$tmp"
pg_pid=""
ax_pid=""
cleanup() {
	[ -n "$ax_pid" ] && kill "$ax_pid" 2>/dev/null && wait "$ax_pid" 2>/dev/null
	[ -n "$pg_pid" ] && su postgres -c "$PGBIN/pg_ctl -D $tmp/pg -m fast stop" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ulimit -n 4096 2>/dev/null || true

# --- PostgreSQL 15 --------------------------------------------------------
mkdir -p "$tmp/pg" && chown postgres: "$tmp/pg"
su postgres -c "$PGBIN/initdb -D $tmp/pg -A trust -U postgres -E UTF8 --no-locale" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $tmp/pg -l $tmp/pg/log -w -o '-c listen_addresses=127.0.0.1 \
	-p $pg_port -c unix_socket_directories=$tmp/pg -c max_connections=$((idle + 50)) \
	-c shared_buffers=1GB -c synchronous_commit=on -c fsync=on' start" >/dev/null
pg_pid=$(head -n 1 "$tmp/pg/postmaster.pid")

# --- alopex-server --------------------------------------------------------
# Keys as in config/alopex.yaml and protocols/pgwire/pgw_plugin.c; the
# WiredTiger cache matches PostgreSQL's shared_buffers.
cat >"$tmp/alopex.yaml" <<EOF
engine: wiredtiger
engines:
  wiredtiger:
    durability: fsync
    cache_size: 1GB
protocols:
  pgwire:
    listen_address: 127.0.0.1
    port: $ax_port
    max_connections: $((idle + 50))
EOF
"$work/build/core/alopex-server" --config "$tmp/alopex.yaml" --data "$tmp/ax" \
	--log-level warn 2>"$tmp/alopex.log" &
ax_pid=$!
i=0
until pg_isready -q -h 127.0.0.1 -p "$ax_port"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$ax_pid" 2>/dev/null; then
		say "alopex-server did not start:"; cat "$tmp/alopex.log" >&2; exit 1
	fi
	sleep 0.1
done

echo "== machine"
echo "nproc: $(nproc); cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "postgresql: $($PGBIN/postgres --version); pgbench: $(pgbench --version)"
echo "alopex: git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none), Release"
echo "method: scale $scale, -T $seconds, -j 2, $rounds round(s) alternating servers; fsync per commit on both"

pgb() { # server-label port args...
	label=$1; port=$2; shift 2
	out=$(pgbench -h 127.0.0.1 -p "$port" -U postgres -n "$@" alopex 2>&1) || {
		say "$label: pgbench $* failed:"; echo "$out" | tail -n 5 >&2; echo 0; return; }
	echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | head -n 1
}

for side in postgresql alopex; do
	port=$pg_port; [ $side = alopex ] && port=$ax_port
	if [ $side = postgresql ]; then
		psql -q -h 127.0.0.1 -p $port -U postgres -d postgres -c "CREATE DATABASE alopex" >/dev/null
	fi
	say "$side: pgbench -i -s $scale"
	# Plain `pgbench -i` as users run it: tables without keys, the COPY,
	# VACUUM, then ALTER TABLE ... ADD PRIMARY KEY on the loaded tables.
	t0=$(date +%s.%N)
	pgbench -h 127.0.0.1 -p $port -U postgres -i -s "$scale" -q alopex \
		>"$tmp/init-$side.log" 2>&1 || { say "$side: pgbench -i failed"; tail -n 20 "$tmp/init-$side.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$tmp/init-$side.secs"
	sed -n 's/^done in \(.*\)\.$/\1/p' "$tmp/init-$side.log" >"$tmp/init-$side.steps"
	vtype="vector(128)"; [ $side = postgresql ] && vtype="real[]"
	psql -q -h 127.0.0.1 -p $port -U postgres -d alopex \
		-c "CREATE TABLE vins (id bigserial PRIMARY KEY, k int, emb $vtype)" >/dev/null
done
# One INSERT per transaction; the vector literal has 128 components.
vec=$(awk 'BEGIN { s = "["; for (i = 0; i < 128; i++) s = s (i ? "," : "") (i % 7) * 0.125; print s "]" }')
echo "\\set k random(1, 1000000)" >"$tmp/vins-alopex.sql"
echo "INSERT INTO vins (k, emb) VALUES (:k, '$vec');" >>"$tmp/vins-alopex.sql"
echo "\\set k random(1, 1000000)" >"$tmp/vins-postgresql.sql"
echo "INSERT INTO vins (k, emb) VALUES (:k, '$(echo "$vec" | tr '[]' '{}')');" >>"$tmp/vins-postgresql.sql"

results="$tmp/results"
: >"$results"
run_all() { # side port
	side=$1; port=$2
	for mode in prepared simple; do
		for c in 1 8 32; do
			tps=$(pgb $side $port -S -M $mode -c $c -j 2 -T "$seconds")
			echo "$side select-only-$mode-c$c $tps" >>"$results"
		done
	done
	tps=$(pgb $side $port -M prepared -c 8 -j 2 -T "$seconds")
	echo "$side tpcb-prepared-c8 $tps" >>"$results"
	tps=$(pgb $side $port -M prepared -c 8 -j 2 -T "$seconds" -f "$tmp/vins-$side.sql")
	echo "$side insert-vector128-c8 $tps" >>"$results"
}
r=1
while [ $r -le "$rounds" ]; do
	say "round $r of $rounds"
	if [ $((r % 2)) = 1 ]; then
		run_all alopex $ax_port; run_all postgresql $pg_port
	else
		run_all postgresql $pg_port; run_all alopex $ax_port
	fi
	r=$((r + 1))
done

echo "== pgbench -i -s $scale (wall clock, including ADD PRIMARY KEY)"
ia=$(cat "$tmp/init-alopex.secs"); ip=$(cat "$tmp/init-postgresql.secs")
printf "%-12s %8ss   (%s)\n" alopex "$ia" "$(cat "$tmp/init-alopex.steps")"
printf "%-12s %8ss   (%s)\n" postgresql "$ip" "$(cat "$tmp/init-postgresql.steps")"
awk -v a="$ia" -v p="$ip" 'BEGIN { printf "ratio alopex / postgresql: %.2fx\n", (p > 0 ? a / p : 0) }'

echo "== TPS (medians of $rounds; ratio = alopex / postgresql)"
printf "%-28s %12s %12s %8s\n" workload alopex postgresql ratio
awk '
{ v[$1 "," $2] = v[$1 "," $2] " " $3; w[$2] = 1 }
function med(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j] + 0 < a[j-1] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	n = 0
	for (k in w) order[++n] = k
	for (i = 2; i <= n; i++) for (j = i; j > 1 && order[j] < order[j-1]; j--) { t = order[j]; order[j] = order[j-1]; order[j-1] = t }
	for (i = 1; i <= n; i++) {
		k = order[i]; a = med(v["alopex," k]); p = med(v["postgresql," k])
		printf "%-28s %12.0f %12.0f %7.2fx   (alopex:%s | postgresql:%s)\n", k, a, p, (p > 0 ? a / p : 0), v["alopex," k], v["postgresql," k]
	}
}' "$results"

echo "== memory of $idle idle connections"
"$work/build/tests/bench/pgwire/pg-idle-conns" --count "$idle" --pid "$ax_pid" --label alopex \
	--conninfo "host=127.0.0.1 port=$ax_port user=postgres dbname=alopex" || true
"$work/build/tests/bench/pgwire/pg-idle-conns" --count "$idle" --pid "$pg_pid" --label postgresql \
	--conninfo "host=127.0.0.1 port=$pg_port user=postgres dbname=alopex" || true
