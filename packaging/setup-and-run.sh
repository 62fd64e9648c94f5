#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (as root), build, and run Alopex on its
# embedded default configuration.
#
# It first shows the embedded library through alopex-cli on the data
# directory, then runs alopex-server in the foreground on it: PostgreSQL
# protocol on 127.0.0.1 (port 5432, or $ALOPEX_PORT), loopback clients
# trusted. Stop it with Ctrl-C (or SIGTERM): it finishes in-flight
# statements and closes the data cleanly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${ALOPEX_DATA:-"$root/data"}

"$root/packaging/install-deps.sh"
"$root/packaging/build.sh" "$root/build" -DCMAKE_BUILD_TYPE=Release -DALOPEX_BUILD_TESTS=OFF

bin="$root/build/core"
echo "== alopex-server --check-config config/alopex.yaml"
"$bin/alopex-server" --check-config "$root/config/alopex.yaml"
echo "== embedded default on $data (WiredTiger, fsync per commit)"
"$bin/alopex-cli" --data "$data" kv put greeting "hello from alopex"
"$bin/alopex-cli" --data "$data" kv put fox:arctic "Vulpes lagopus"
"$bin/alopex-cli" --data "$data" kv put fox:red "Vulpes vulpes"
echo "-- kv get greeting"
"$bin/alopex-cli" --data "$data" kv get greeting
echo "-- kv scan fox:"
"$bin/alopex-cli" --data "$data" kv scan fox:
echo "-- SQL"
"$bin/alopex-cli" --data "$data" sql "CREATE TABLE IF NOT EXISTS foxes (id serial PRIMARY KEY, name text NOT NULL, emb vector(3));
INSERT INTO foxes (name, emb) VALUES ('arctic', '[0.9,0.1,0]'), ('red', '[0.1,0.9,0]'), ('fennec', '[0.5,0.5,0.1]');
SELECT name, round((emb <-> '[1,0,0]')::numeric, 3) AS l2 FROM foxes ORDER BY emb <-> '[1,0,0]' LIMIT 2;
SELECT count(*) AS foxes FROM foxes"
echo "-- last commit batches"
"$bin/alopex-cli" --data "$data" log | tail -n 6
port=${ALOPEX_PORT:-5432}
echo "== alopex-server --data $data --port $port"
echo "connect with: psql -h 127.0.0.1 -p $port -U postgres -d alopex"
exec "$bin/alopex-server" --data "$data" --port "$port"
