# syntax=docker/dockerfile:1
# One image per service, each with only its compiled JavaScript and its
# production dependencies (`pnpm deploy --prod`): no TypeScript sources, tsx,
# test tools or other dev dependencies. Build one with `docker build --target
# worker .`; docker-compose.yml builds them all. Targets: api, worker,
# scheduler, migrate, and (for local runs) ec2-emulator and seed.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH TURBO_TELEMETRY_DISABLED=1
RUN npm install -g pnpm@12.4.2
WORKDIR /src
# pnpm's Docker recipe: fetch every package from the lockfile alone (cached
# until the lockfile changes), then install offline from the source tree.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc .pnpmfile.cjs ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm build
# Each deployable gets a folder of its own: its dist/ and a node_modules with
# its production dependencies, workspace packages included as their dist/.
RUN for p in api worker scheduler shared ec2-emulator local-fleet; do \
      pnpm --filter "@backups/$p" deploy --prod "/out/$p"; \
    done

FROM ${NODE_IMAGE} AS runtime
# Stack traces name the TypeScript lines (the build emits source maps). The API
# and scheduler images fill Node's compile cache at build (below), so they start
# without recompiling the thousand-odd modules they load (~0.3 s sooner).
# GLIBC_TUNABLES: packages/shared/src/runtime-env.ts says why.
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps NODE_COMPILE_CACHE=/var/cache/node-compile \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768
RUN mkdir -p /var/cache/node-compile && chown node:node /var/cache/node-compile
WORKDIR /app
# The application's files stay owned by root: the service can read, not change, them.
USER node
# Each service image sets HEALTHCHECK_URL to its own /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM runtime AS api
COPY --from=build /out/api /app
RUN node --input-type=module -e "await import('/app/dist/app.js')"
ENV HEALTHCHECK_URL=http://127.0.0.1:8080/healthz
# 8080 tenants; 9100 /metrics and probes for operators (METRICS_PORT), kept off the ingress.
EXPOSE 8080 9100
CMD ["node", "dist/main.js"]

FROM runtime AS worker
COPY --from=build /out/worker /app
# Bounded memory (services/worker/src/runtime.ts says why): a busy worker peaks
# near its idle RSS instead of at 2-3x it. Raise --max-old-space-size for big pods.
ENV NODE_OPTIONS="--enable-source-maps --max-semi-space-size=2 --max-old-space-size=160"
# No compile cache here: its eagerly loaded code adds ~10 MiB to every worker's
# RSS, and memory, not start-up, is what bounds how many workers a node holds.
ENV HEALTHCHECK_URL=http://127.0.0.1:9101/healthz
CMD ["node", "dist/main.js"]

FROM runtime AS scheduler
COPY --from=build /out/scheduler /app
RUN node --input-type=module -e "await import('/app/dist/scheduler-app.js')"
ENV HEALTHCHECK_URL=http://127.0.0.1:9102/healthz
CMD ["node", "dist/main.js"]

# One-shot jobs: applies pending migrations / creates the admin's records.
FROM runtime AS migrate
COPY --from=build /out/shared /app
HEALTHCHECK NONE
CMD ["node", "dist/db/migrate.cli.js", "up"]

# The admin CLI ships in the api image: `docker run … api node dist/admin/cli.js <command>`.

# Local runs only: the EC2 emulator and the demo seed (no AWS account needed).
FROM runtime AS ec2-emulator
COPY --from=build /out/ec2-emulator /app
ENV HEALTHCHECK_URL=http://127.0.0.1:4566/_emulator/health
EXPOSE 4566
CMD ["node", "dist/cli.js", "--host", "0.0.0.0", "--port", "4566"]

FROM runtime AS seed
COPY --from=build /out/local-fleet /app
HEALTHCHECK NONE
CMD ["node", "dist/seed.cli.js"]
