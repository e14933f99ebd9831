#!/usr/bin/env bash
# Everything `npm run dev` and `npm test` (and .ci/run) need before they start,
# done only where missing, saying what it does: Node 24 and pnpm (project-local
# when the machine's are older), Postgres and Redis up (started, or installed
# from Debian's packages when run as root), and the workspace's dependencies
# installed from the lockfile. On a ready machine it costs about a second.
#
# Sourced, so that the toolchain it puts on PATH stays for the caller's run:
#   source scripts/prepare.sh [--chromium]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TURBO_TELEMETRY_DISABLED=1
source scripts/toolchain.sh
source scripts/ensure-services.sh

ensure_node24
ensure_pnpm
ensure_postgres
ensure_redis
if [ "${1:-}" = "--chromium" ]; then ensure_chromium; fi

# Reinstall only when the lockfile, a manifest, pnpm's settings or the toolchain changed: a
# frozen install is correct but takes seconds even when nothing changed.
install_stamp() {
  { node -v; pnpm -v; cat pnpm-lock.yaml pnpm-workspace.yaml .pnpmfile.cjs .npmrc package.json packages/*/package.json services/*/package.json; } |
    sha256sum | cut -d' ' -f1
}
stamp_file=node_modules/.prepared-stamp
wanted=$(install_stamp)
if [ "$(cat "$stamp_file" 2>/dev/null)" != "$wanted" ]; then
  echo "dependencies: installing from the lockfile"
  pnpm install --frozen-lockfile --reporter=silent
  echo "$wanted" >"$stamp_file"
else
  echo "dependencies: up to date"
fi
