#!/usr/bin/env bash
# Install everything Alopex needs to build, test and benchmark on Debian 12,
# in one apt-get call (apt triggers are slow; see DEPENDENCIES.md). Run as
# root. Skips apt entirely when every package is already installed.
set -euo pipefail

PACKAGES=(
	# build
	build-essential cmake pkg-config git
	# storage engine, config, tests
	libwiredtiger-dev wiredtiger libyaml-dev libcunit1-dev
	# server: event loop, TLS and SCRAM; libpq and psql/pgbench for its tests
	libevent-dev libssl-dev openssl libpq-dev postgresql-client-15
	# benchmark and differential-test peers
	libsqlite3-dev sqlite3 postgresql-15
	# vector benchmark peers and data (FAISS; hnswlib comes from npm)
	libfaiss-dev libblas-dev liblapack-dev dataset-fashion-mnist
	# layout check, fuzzing (libFuzzer + sanitizer runtimes)
	clang clang-format libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages already installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
