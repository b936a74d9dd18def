#!/usr/bin/env bash
# Prints a PostgreSQL URL for tests. Uses TEST_POSTGRES_URL if set; otherwise, as root,
# installs Debian's postgresql if needed and starts a local cluster on its Unix socket.
set -euo pipefail
if [ -n "${TEST_POSTGRES_URL:-}" ]; then echo "$TEST_POSTGRES_URL"; exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Set TEST_POSTGRES_URL to a PostgreSQL database where you may create databases, or run the tests as root." >&2
  exit 1
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "PostgreSQL is not installed: run sudo bash scripts/system-packages.sh test, or set TEST_POSTGRES_URL." >&2
  exit 1
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
[ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 || su postgres -c "createuser -s root"
psql -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='cp_test'" | grep -q 1 || createdb -O root cp_test
echo "postgresql://root@localhost/cp_test?host=/var/run/postgresql"
