# syntax=docker/dockerfile:1
# One image for every service; the compose file picks the entry point.

FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH TURBO_TELEMETRY_DISABLED=1 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
RUN npm install -g pnpm@12.4.2
WORKDIR /app

# Dependencies first, so source edits do not re-run the install.
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY packages/shared/package.json packages/shared/
COPY packages/ec2-emulator/package.json packages/ec2-emulator/
COPY services/api/package.json services/api/
COPY services/worker/package.json services/worker/
COPY services/scheduler/package.json services/scheduler/
RUN pnpm install --frozen-lockfile --prod=false

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/packages/shared/node_modules ./packages/shared/node_modules
COPY --from=deps /app/packages/ec2-emulator/node_modules ./packages/ec2-emulator/node_modules
COPY --from=deps /app/services/api/node_modules ./services/api/node_modules
COPY --from=deps /app/services/worker/node_modules ./services/worker/node_modules
COPY --from=deps /app/services/scheduler/node_modules ./services/scheduler/node_modules
COPY . .
USER node
# Services run their TypeScript through tsx (no separate build output to drift).
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]
