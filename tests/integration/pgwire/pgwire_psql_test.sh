#!/usr/bin/env bash
# Usage: pgwire_psql_test.sh ALOPEX_SERVER SOURCE_DIR
# alopex-server as psql and pg_isready see it: starts the server on a free
# loopback port in a temporary directory, runs psql -c and -f and compares
# the output, checks that a second server on the same data directory is
# refused with a clear message, stops the server with SIGTERM and checks
# the data after a restart. Every wait is bounded.
set -uo pipefail
server=$1 src=$2
here="$src/tests/integration/pgwire"
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
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

start() { # start LOGFILE: sets pid and port
	"$server" --port 0 --data "$tmp/data" 2>"$1" &
	pid=$!
	port=""
	for _ in $(seq 1 200); do
		port=$(sed -n 's/.*msg="listening" proto=pgwire addr=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$port" ]
}

stop() { # SIGTERM, bounded wait; returns the exit status
	kill -TERM "$pid"
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		pid=""
		return 99
	fi
	wait "$pid"
	local st=$?
	pid=""
	return $st
}

if ! start "$tmp/server.log"; then
	echo "FAIL: server did not start"; cat "$tmp/server.log"; exit 1
fi
psql_() { timeout 30 /usr/bin/psql -X -h 127.0.0.1 -p "$port" -U postgres -d alopex "$@"; }

# the structured "listening" line
grep -qE '^ts=[0-9T:.-]+Z level=info msg="listening" proto=pgwire addr=127\.0\.0\.1:[0-9]+' "$tmp/server.log" && ok || fail "listening line"

out=$(timeout 10 pg_isready -h 127.0.0.1 -p "$port" 2>&1)
[ $? -eq 0 ] && grep -q "accepting connections" <<<"$out" && ok || fail "pg_isready: $out"

out=$(psql_ -c "SELECT 1 AS one, 'fox' AS name" 2>&1)
want=$' one | name \n-----+------\n   1 | fox\n(1 row)'
[ "$out" = "$want" ] && ok || fail "psql -c: got [$out]"

out=$(psql_ -At -c "SELECT 2 + 2" 2>&1)
[ "$out" = "4" ] && ok || fail "psql -At: got [$out]"

out=$(psql_ -c "SELECT * FROM nosuch" 2>&1)
[ $? -eq 1 ] && grep -q 'ERROR:  relation "nosuch" does not exist' <<<"$out" && ok || fail "psql error: $out"

out=$(timeout 30 /usr/bin/psql -X -h 127.0.0.1 -p "$port" -U postgres -d nosuchdb -c "SELECT 1" 2>&1)
grep -q 'FATAL:  database "nosuchdb" does not exist' <<<"$out" && ok || fail "wrong database: $out"

psql_ -f - <"$here/pgwire_psql.sql" >"$tmp/script.out" 2>&1
if diff -u "$here/pgwire_psql.expected" "$tmp/script.out"; then ok; else fail "psql -f output differs"; fi

# a second server on the same data directory is refused, clearly
out=$(timeout 30 "$server" --port 0 --data "$tmp/data" 2>&1)
st=$?
[ $st -eq 1 ] && grep -q "is locked: it is in use by another process (pid $pid)" <<<"$out" &&
	grep -q "is another alopex-server running" <<<"$out" && ok || fail "second server: status $st: $out"

# graceful stop with a client connected, then the data is still there
coproc PSQL { timeout 30 /usr/bin/psql -X -h 127.0.0.1 -p "$port" -U postgres -d alopex -At >"$tmp/client.out" 2>&1; }
to_psql=${PSQL[1]}
echo "SELECT 'connected';" >&"$to_psql"
for _ in $(seq 1 200); do grep -q connected "$tmp/client.out" && break; sleep 0.05; done
grep -q connected "$tmp/client.out" && ok || fail "coproc psql: $(cat "$tmp/client.out")"
stop
st=$?
[ $st -eq 0 ] && ok || fail "SIGTERM exit status $st"
grep -q 'msg="stopped"' "$tmp/server.log" && ok || fail "no stopped line"
# psql reads the FATAL the server sent when it next uses the connection
echo "SELECT 'again';" >&"$to_psql" 2>/dev/null
exec {to_psql}>&-
for _ in $(seq 1 200); do grep -q "administrator command" "$tmp/client.out" && break; sleep 0.05; done
grep -q "terminating connection due to administrator command" "$tmp/client.out" && ok || fail "client was not told: [$(cat "$tmp/client.out")]"

start "$tmp/server2.log" || fail "restart"
out=$(psql_ -At -c "SELECT count(*), sum(id) FROM fox" 2>&1)
[ "$out" = "4|25" ] && ok || fail "after restart: [$out]"
stop || fail "second stop"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
