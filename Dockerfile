# syntax=docker/dockerfile:1
# One image for every service; docker-compose.yml picks each one's command.

FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH TURBO_TELEMETRY_DISABLED=1 \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
RUN npm install -g pnpm@12.4.2
WORKDIR /app

# pnpm's Docker recipe: fetch every package from the lockfile alone (cached
# until the lockfile changes), then install offline from the source tree.
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=deps /app /app
USER node
# Services run their TypeScript through tsx: there is no separate build output to drift.
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]
