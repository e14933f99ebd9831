import type { Logger } from '@backups/shared';
import type { Orm } from '@backups/shared/db';
import type { JobQueues } from '@backups/shared/jobs';
import {
  createMetrics,
  type Metrics,
  registerDomainGauges,
  registerQueueGauges,
} from '@backups/shared/observability';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { ApiKeyResolver } from './auth/api-key-resolver.js';
import { authenticate, authorize } from './auth/authenticate.middleware.js';
import { FailedAuthThrottle } from './auth/failed-auth-throttle.js';
import type { BackupListCache } from './cache/backup-list-cache.js';
import { registerConsole } from './console/console.route.js';
import { registerDocs } from './docs/docs.route.js';
import { notFound, onError } from './errors/on-error.js';
import { requestBodyLimit } from './http/body-limit.middleware.js';
import type { AppEnv } from './http/context.js';
import { requestDeadline } from './http/deadline.middleware.js';
import { registerHealth } from './http/health.route.js';
import { noStore } from './http/no-store.middleware.js';
import { rateLimit } from './http/rate-limit.middleware.js';
import { requestIdMiddleware } from './http/request-id.middleware.js';
import { fieldIssues, invalidRequest } from './http/validation.js';
import { type BullBoardSettings, registerBullBoard } from './ops/bull-board.route.js';
import { httpMetrics } from './ops/http-metrics.middleware.js';
import { registerTenantRoutes } from './routes/index.js';
import type { ApiApp } from './routes/route-kit.js';

export interface AppDeps {
  orm: Orm;
  redis: Redis;
  queues: JobQueues;
  logger: Logger;
  /**
   * The process's registry, filled here (HTTP series, domain and queue gauges) and
   * served by main.ts on METRICS_PORT, never on the tenant port; one of its own when omitted.
   */
  metrics?: Metrics;
  /** Bull Board at /admin/queues; off when omitted or without operator credentials. */
  bullBoard?: BullBoardSettings;
  /** Rendered backup lists kept between polls (the caller starts and closes it); none when omitted. */
  listCache?: BackupListCache;
  settings: {
    rateLimitRequests: number;
    rateLimitWindowSeconds: number;
    authCacheTtlMs: number;
    bodyLimitBytes: number;
    /** A request still unanswered after this becomes 503 unavailable. */
    requestTimeoutMs: number;
    /** Redis key prefix for the rate limiter (the queue prefix, so test runs stay apart). */
    redisPrefix: string;
    /** Failed authentications per client address per window before 429 (tenant and operator doors apart). */
    authFailureLimit: number;
    authFailureWindowSeconds: number;
    /** Proxies in front of the API whose X-Forwarded-For entries name the client (0: the TCP peer). */
    trustProxyHops: number;
  };
}

/** Builds the whole HTTP app from its dependencies; main.ts and the tests serve it. */
export function createApp(deps: AppDeps): ApiApp {
  const app = new OpenAPIHono<AppEnv>({
    // Path parameter failures become our 400 shape, naming the fields.
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'param' ? 'path' : result.target;
        throw invalidRequest(
          where === 'path'
            ? 'The path is not valid; ids must be positive 64-bit integers.'
            : `The request ${where} is not valid; see details.`,
          fieldIssues(result.error, where),
        );
      }
    },
  });
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestIdMiddleware(deps.logger));
  const metrics = deps.metrics ?? createMetrics('api');
  registerDomainGauges(metrics.registry, () => deps.orm.em.fork() as EntityManager);
  registerQueueGauges(metrics.registry, () => deps.queues.all());
  app.use('*', httpMetrics(metrics));
  const throttleFailedAuth = (scope: 'api-key' | 'operator') =>
    new FailedAuthThrottle({
      redis: deps.redis,
      prefix: deps.settings.redisPrefix,
      scope,
      limit: deps.settings.authFailureLimit,
      windowSeconds: deps.settings.authFailureWindowSeconds,
      trustedHops: deps.settings.trustProxyHops,
    });

  app.use(
    '/deployments/*',
    noStore(),
    requestDeadline(deps.settings.requestTimeoutMs),
    requestBodyLimit(deps.settings.bodyLimitBytes),
    authenticate(new ApiKeyResolver(deps.orm, deps.settings.authCacheTtlMs), throttleFailedAuth('api-key')),
    rateLimit({
      redis: deps.redis,
      prefix: deps.settings.redisPrefix,
      requests: deps.settings.rateLimitRequests,
      windowSeconds: deps.settings.rateLimitWindowSeconds,
    }),
    authorize(),
  );

  registerTenantRoutes(app, deps);
  registerHealth(app, deps);
  registerBullBoard(
    app,
    deps.queues,
    deps.bullBoard ?? { operator: null, readOnly: true },
    throttleFailedAuth('operator').middleware(),
  );
  registerDocs(app);
  registerConsole(app);
  return app;
}
