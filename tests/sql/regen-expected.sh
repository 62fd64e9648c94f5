#!/bin/sh
# Regenerate tests/sql/pg/*.out from a real PostgreSQL 15: starts a
# throwaway server on a private port, runs every pg/*.sql with psql in a
# fresh database, filters what Alopex does not reproduce (source positions,
# LOCATION/HINT/CONTEXT lines, psql's "psql:FILE:LINE:" prefix) and writes
# the .out files next to the scripts. alopex/*.sql are not touched: their
# expected output is Alopex's own (vectors, EXPLAIN), reviewed by hand.
#
#   tests/sql/regen-expected.sh [script.sql ...]
#
# PGBIN (default /usr/lib/postgresql/15/bin) and PGPORT (default 25499)
# may be set. Run as root, the server runs as the postgres user.
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PGPORT:-25499}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/alx-pgregen-XXXXXX)
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -c "$*"
	else
		sh -c "$*"
	fi
}
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
cleanup() {
	as_pg "$PGBIN/pg_ctl -D $tmp/data -m immediate stop" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
as_pg "$PGBIN/initdb -D $tmp/data -U postgres -A trust -E UTF8 --no-locale" >/dev/null
as_pg "$PGBIN/pg_ctl -D $tmp/data -l $tmp/log -w -o \"-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$tmp -c TimeZone=UTC -c DateStyle='ISO, MDY' -c extra_float_digits=1\" start" >/dev/null

# psql's verbose errors, minus what Alopex does not carry.
filter() {
	sed -E 's/^psql:[^:]*:[0-9]+: //' | awk '
		/^LINE [0-9]+: / { skip_caret = 1; next }
		skip_caret && /^ *\^ *$/ { skip_caret = 0; next }
		{ skip_caret = 0 }
		/^(LOCATION|HINT|CONTEXT|QUERY|SCHEMA NAME|TABLE NAME|COLUMN NAME|CONSTRAINT NAME|DATATYPE NAME):  / { next }
		{ print }'
}

if [ $# -eq 0 ]; then
	set -- "$here"/pg/*.sql
fi
n=0
for f in "$@"; do
	n=$((n + 1))
	db="regress$n"
	as_pg "$PGBIN/createdb -h 127.0.0.1 -p $PORT -U postgres $db"
	"$PGBIN/psql" -X -a -A -v VERBOSITY=verbose -h 127.0.0.1 -p "$PORT" \
		-U postgres -d "$db" -f "$f" 2>&1 | filter >"${f%.sql}.out"
	as_pg "$PGBIN/dropdb -h 127.0.0.1 -p $PORT -U postgres $db"
	echo "regenerated ${f%.sql}.out"
done
