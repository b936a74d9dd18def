# Sourced by scripts that run the Prisma CLI. Prisma 6's CLI tries to download native
# engines it never uses with `engine: "js"`; pointing these at any executable stops that
# (the download host is unreachable offline). See docs/architecture.md#database.
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-/bin/true}"
export PRISMA_QUERY_ENGINE_LIBRARY="${PRISMA_QUERY_ENGINE_LIBRARY:-/bin/true}"
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
mkdir -p data
