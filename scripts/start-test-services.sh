#!/usr/bin/env bash
# Installs (from Debian's packages, when missing) and starts the services the scale-out tests use: a
# redis-server on 127.0.0.1:6379 and a PostgreSQL cluster on 127.0.0.1:5432 with a `mull` role and
# database. Prints the environment the tests read, for `eval "$(scripts/start-test-services.sh)"`:
#   MULL_TEST_REDIS_URL, MULL_TEST_POSTGRES_URL.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi

redis_port=6379
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >&2
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

cluster=$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$version" main >&2
  cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start >&2 2>/dev/null || true
port=$(pg_lsclusters --no-header | awk 'NR == 1 { print $3 }')
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
runuser -u postgres -- psql -p "$port" -qc \
  "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mull') THEN CREATE ROLE mull LOGIN SUPERUSER PASSWORD 'mull'; END IF; END\$\$;" >&2
if ! runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = 'mull'" | grep -q 1; then
  runuser -u postgres -- createdb -p "$port" -O mull mull >&2
fi

echo "export MULL_TEST_REDIS_URL=redis://127.0.0.1:${redis_port}"
echo "export MULL_TEST_POSTGRES_URL=postgres://mull:mull@127.0.0.1:${port}/mull"
