#!/usr/bin/env bash
# Generates both Prisma clients (SQLite and PostgreSQL); the server picks one at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prisma-env.sh
run() { "$@" >/tmp/container-playground-prisma.log 2>&1 || { cat /tmp/container-playground-prisma.log >&2; exit 1; }; }
run npx prisma generate --schema prisma/schema.prisma
run npx prisma generate --schema prisma/postgres/schema.prisma
echo "==> Prisma clients generated (sqlite, postgres)"
