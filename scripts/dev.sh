#!/usr/bin/env bash
# `npm run dev` (or `pnpm dev`): set up whatever is missing, then run the whole
# fleet locally against the EC2 emulator (packages/local-fleet).
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec node --conditions=@backups/source --import tsx packages/local-fleet/src/main.ts
