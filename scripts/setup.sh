#!/usr/bin/env bash
# One-time set-up of a fresh machine: Postgres and Redis running, pnpm 12.4.2,
# the workspace's dependencies from the lockfile, and the database migrated.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-services.sh
ensure_postgres
ensure_redis
ensure_pnpm
pnpm install --frozen-lockfile
pnpm db:migrate
echo
echo "Set up. Next: 'pnpm dev' runs the whole fleet locally, 'pnpm test' runs the tests."
