#!/usr/bin/env bash
# Usage: pgbench_smoke_test.sh ALOPEX_SERVER PGBENCH [SCALE]
# pgbench against alopex-server on a free loopback port: plain
# `pgbench -i -s 10` as users run it (drop, create, client-side COPY of 1M
# accounts, VACUUM, then ALTER TABLE ... ADD PRIMARY KEY on the loaded
# tables: issue 5/3), then -S and the TPC-B-like script, each with
# -M simple and -M prepared (and -S -M extended), 8 clients for 3 s each,
# then `pgbench -i -s 1` over the loaded tables (DROP TABLE of 1M rows).
# Every run must report zero failed transactions, and afterwards the money
# must add up: sum(abalance) = sum(bbalance) = sum(tbalance) = sum(delta
# of history), with one history row per committed TPC-B transaction.
# Waits are bounded. The WiredTiger cache is 1GB, as in run-pgbench.sh.
set -uo pipefail
server=$1 pgbench=$2 scale=${3:-10}
tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
failed=0
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

cat >"$tmp/alopex.yaml" <<EOF
engines:
  wiredtiger:
    cache_size: 1GB
EOF
"$server" --config "$tmp/alopex.yaml" --port 0 --data "$tmp/data" \
	2>"$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 1 200); do
	port=$(sed -n 's/.*msg="listening" proto=pgwire addr=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if [ -z "$port" ]; then
	echo "FAIL: server did not start"; cat "$tmp/server.log"; exit 1
fi
conn=(-h 127.0.0.1 -p "$port" -U postgres)
psql_() { timeout 60 psql -X -At "${conn[@]}" -d alopex -c "$1" 2>&1; }

start=$(date +%s)
# About 60 s of CPU under ASan (COPY of 1M rows, then the keys); the
# bound is for a loaded machine.
if ! timeout 400 "$pgbench" "${conn[@]}" -i -s "$scale" alopex >"$tmp/init.log" 2>&1; then
	fail "pgbench -i -s $scale"; tail -n 20 "$tmp/init.log"
fi
grep -q '^done in' "$tmp/init.log" || fail "pgbench -i did not finish"
echo "pgbench -i -s $scale: $(($(date +%s) - start)) s wall," \
	"server CPU $(awk '{ print ($14 + $15) / 100 }' /proc/$pid/stat) s:" \
	"$(grep '^done in' "$tmp/init.log")"
[ "$(psql_ 'SELECT count(*) FROM pgbench_accounts')" = $((scale * 100000)) ] ||
	fail "pgbench_accounts does not hold $((scale * 100000)) rows"
[ "$(psql_ 'SELECT count(*) FROM pgbench_tellers')" = $((scale * 10)) ] ||
	fail "pgbench_tellers does not hold $((scale * 10)) rows"
# The primary keys exist: a duplicate is refused.
for tk in branches:bid tellers:tid accounts:aid; do
	tb=pgbench_${tk%%:*} col=${tk#*:}
	out=$(psql_ "INSERT INTO $tb ($col) VALUES (1)")
	case "$out" in
	*"duplicate key value violates unique constraint \"${tb}_pkey\""*) ;;
	*) fail "no primary key on $tb: $out" ;;
	esac
done

# run NAME ARGS...: pgbench for 3 s; zero failures and some transactions.
run() {
	local name=$1
	shift
	if ! timeout 60 "$pgbench" "${conn[@]}" -n -c 8 -j 2 -T 3 "$@" alopex \
		>"$tmp/$name.log" 2>&1; then
		fail "$name: pgbench exited non-zero"; tail -n 20 "$tmp/$name.log"
		return
	fi
	local done_ failed_
	done_=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/$name.log")
	failed_=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/$name.log")
	[ "${failed_:-x}" = 0 ] || { fail "$name: $failed_ failed transactions"; tail -n 20 "$tmp/$name.log"; }
	[ "${done_:-0}" -gt 0 ] || fail "$name: no transactions processed"
	echo "$name: ${done_:-0} transactions, ${failed_:-?} failed"
}
run select-simple -S -M simple
run select-extended -S -M extended
run select-prepared -S -M prepared
run tpcb-simple -M simple
run tpcb-prepared -M prepared
tpcb_done=0
for f in tpcb-simple tpcb-prepared; do
	d=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/$f.log")
	tpcb_done=$((tpcb_done + ${d:-0}))
done

a=$(psql_ 'SELECT sum(abalance) FROM pgbench_accounts')
b=$(psql_ 'SELECT sum(bbalance) FROM pgbench_branches')
t=$(psql_ 'SELECT sum(tbalance) FROM pgbench_tellers')
h=$(psql_ 'SELECT sum(delta) FROM pgbench_history')
n=$(psql_ 'SELECT count(*) FROM pgbench_history')
echo "sums: accounts $a, branches $b, tellers $t, history $h; history rows $n"
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$t" ] && [ "$a" = "$h" ] ||
	fail "balances disagree: accounts $a, branches $b, tellers $t, history $h"
[ "$n" = "${tpcb_done:-x}" ] ||
	fail "history has $n rows for $tpcb_done committed transactions"

# Again over the loaded tables, at scale 1: each DROP TABLE of the old ones
# (1M accounts) is one range delete; the new tables hold only new rows.
if ! timeout 200 "$pgbench" "${conn[@]}" -i -s 1 alopex >"$tmp/reinit.log" 2>&1; then
	fail "pgbench -i -s 1 over the loaded tables"; tail -n 20 "$tmp/reinit.log"
fi
echo "pgbench -i -s 1 again: $(grep '^done in' "$tmp/reinit.log")"
[ "$(psql_ 'SELECT count(*) FROM pgbench_accounts')" = 100000 ] ||
	fail "re-init: pgbench_accounts does not hold 100000 rows"
[ "$(psql_ 'SELECT sum(abalance) FROM pgbench_accounts')" = 0 ] ||
	fail "re-init: old balances in pgbench_accounts"
[ "$(psql_ 'SELECT count(*) FROM pgbench_history')" = 0 ] ||
	fail "re-init: pgbench_history is not empty"

kill -TERM "$pid"
for _ in $(seq 1 200); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then
	fail "server did not stop on SIGTERM"
else
	wait "$pid" || fail "server exited with status $?"
	pid=""
fi
if [ "$failed" -ne 0 ]; then
	echo "pgbench smoke: $failed failure(s)"; tail -n 30 "$tmp/server.log"; exit 1
fi
echo "pgbench smoke: ok"
