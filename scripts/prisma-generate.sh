#!/usr/bin/env bash
# Generates both Prisma clients (SQLite and PostgreSQL); the server picks one at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prisma-env.sh
npx prisma generate --schema prisma/schema.prisma >/dev/null
npx prisma generate --schema prisma/postgres/schema.prisma >/dev/null
echo "==> Prisma clients generated (sqlite, postgres)"
