#!/usr/bin/env bash
# `npm test` (or `pnpm test`): set up whatever is missing (Chromium too, for the
# Console's browser tests), then every package's unit tier, then its integration
# tier, one package at a time.
set -euo pipefail
source "$(dirname "$0")/prepare.sh" --chromium
exec pnpm exec turbo run test:unit test:integration --concurrency=1 "$@"
