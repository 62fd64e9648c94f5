#!/usr/bin/env bash
# Usage: programs_test.sh ALOPEX_SERVER ALOPEX_CLI SOURCE_DIR
# Checks exit codes and output of alopex-server's config commands and of
# alopex-cli's kv and log commands. Prints "N passed, N failed".
set -uo pipefail
server=$1 cli=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check() { # check NAME EXPECTED_STATUS PATTERN -- command...
	local name=$1 want=$2 pattern=$3
	shift 4
	local out status
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $name: status $status (want $want), output:"
		sed 's/^/    /' <<<"$out"
		echo "    (wanted /$pattern/)"
	fi
}

# --check-config: the shipped files are valid; broken ones name the place.
check default-config 0 "configuration is valid" -- "$server" --check-config "$src/config/alopex.yaml"
for f in "$src"/config/examples/*.yaml; do
	check "example $(basename "$f")" 0 "configuration is valid" -- "$server" --check-config "$f"
done
printf 'log_level: info\nengines:\n  wiredtiger:\n    durability: sometimes\n' >"$tmp/bad.yaml"
check bad-enum 1 "bad.yaml:4:17: .*durability.*(fsync|periodic|none)" -- "$server" --check-config "$tmp/bad.yaml"
printf 'log_levle: info\n' >"$tmp/typo.yaml"
check unknown-key 1 "typo.yaml:1:1: .*log_levle.*valid keys" -- "$server" --check-config "$tmp/typo.yaml"
printf 'engine: [wiredtiger\n' >"$tmp/syntax.yaml"
check yaml-syntax 1 "syntax.yaml:[0-9]+:[0-9]+" -- "$server" --check-config "$tmp/syntax.yaml"
check missing-file 1 "nope.yaml" -- "$server" --check-config "$tmp/nope.yaml"

# --describe-config: every plugin's schema, or one.
check describe-all 0 "engines\.wiredtiger" -- "$server" --describe-config
check describe-one 0 "cache_size" -- "$server" --describe-config wiredtiger
check describe-unknown 1 "no plugin named 'nosuch'" -- "$server" --describe-config nosuch
check bad-flag 2 "usage" -- "$server" --bogus
check bad-port 2 "--port must be" -- "$server" --port 70000

# alopex-cli against a fresh directory.
d="$tmp/data"
check put 0 "" -- "$cli" --data "$d" kv put fox:arctic "Vulpes lagopus"
check put2 0 "" -- "$cli" --data "$d" kv put fox:red "Vulpes vulpes"
check put3 0 "" -- "$cli" --data "$d" kv put owl snowy
check get 0 "^Vulpes lagopus$" -- "$cli" --data "$d" kv get fox:arctic
check get-missing 1 "not found" -- "$cli" --data "$d" kv get fox:fennec
check scan-prefix 0 "fox:arctic.Vulpes lagopus" -- "$cli" --data "$d" kv scan fox:
scan=$("$cli" --data "$d" kv scan fox: --reverse | cut -f1 | tr '\n' ' ')
if [ "$scan" = "fox:red fox:arctic " ]; then passed=$((passed + 1)); else
	failed=$((failed + 1)); echo "FAIL: reverse scan gave '$scan'"; fi
check del 0 "" -- "$cli" --data "$d" kv del owl
check del-missing 1 "not found" -- "$cli" --data "$d" kv del owl
check log 0 "batch 4: 1 mutation" -- "$cli" --data "$d" log
check log-after 0 "batch 4" -- "$cli" --data "$d" log --after 3
# SQL through alopex-cli: several statements, rows as psql -A prints them.
check sql-create 0 "" -- "$cli" --data "$d" sql "CREATE TABLE t (id int PRIMARY KEY, name text, price numeric(6,2)); INSERT INTO t VALUES (1, 'fox', 2.5), (2, 'owl', NULL)"
check sql-select 0 "^id\|name\|price$" -- "$cli" --data "$d" sql "SELECT * FROM t ORDER BY id"
check sql-rows 0 "^1\|fox\|2\.50$" -- "$cli" --data "$d" sql "SELECT * FROM t ORDER BY id"
check sql-count 0 "^\(2 rows\)$" -- "$cli" --data "$d" sql "SELECT * FROM t ORDER BY id"
check sql-error 1 "ERROR:  42P01: relation \"nosuch\" does not exist" -- "$cli" --data "$d" sql "SELECT * FROM nosuch"
check sql-syntax 1 "ERROR:  42601: syntax error at or near \"FORM\"" -- "$cli" --data "$d" sql "SELECT * FORM t"
printf 'stray file\n' >"$tmp/notes.txt"
check foreign-dir 1 "not an Alopex data directory" -- "$cli" --data "$tmp" kv get x
# The server opens the directory before it serves (serving: tests/integration/pgwire).
check server-foreign-dir 1 "not an Alopex data directory" -- "$server" --port 0 --data "$tmp"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
