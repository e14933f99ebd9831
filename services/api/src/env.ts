import { awsEnv, booleanString, databaseEnv, logEnv, redisEnv } from '@backups/shared/config';
import { z } from 'zod';
import { weakOperatorPassword } from './ops/operator-password.js';

// The API's whole configuration, parsed once by main.ts; nothing else reads process.env.
export const apiEnvSchema = z
  .object({
    ...databaseEnv,
    ...redisEnv,
    ...logEnv,
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** /metrics, /healthz and /readyz for operators, off the tenant port; 0 picks a free port (logged). */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9100),
    /** Requests one API key may make per window, counted in Redis across all API processes. */
    RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Failed authentications (401) one client address may make per window, tenant keys and operator login each. */
    AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
    AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    /** Reverse proxies in front of the API; their X-Forwarded-For entries name the client. 0: the TCP peer. */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** How long a resolved API key is cached in-process; a revocation takes effect within this. */
    AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(10_000).default(2_000),
    /**
     * Rendered backup lists kept in memory between polls, dropped as changes commit
     * (Postgres LISTEN on one extra connection); 0 reads every list from Postgres.
     */
    BACKUP_LIST_CACHE_ENTRIES: z.coerce.number().int().min(0).max(100_000).default(2_000),
    /** Largest request body accepted, in bytes. */
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
    /** A request still unanswered after this gets 503 (a hung dependency must not hang callers). */
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /** Bounded shutdown: connections still open after this are cut. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Operator login for Bull Board at /admin/queues (HTTP Basic); unset means the board is off (404). */
    OPERATOR_USER: z
      .string()
      .regex(/^[^:\s]{1,64}$/, 'no colon or whitespace, at most 64 characters')
      .optional(),
    OPERATOR_PASSWORD: z.string().min(12, 'at least 12 characters').max(256).optional(),
    /** Bull Board shows queues and jobs but refuses retry, clean, add, pause... unless set to false. */
    BULL_BOARD_READ_ONLY: booleanString.default(true),
  })
  .refine((env) => (env.OPERATOR_USER === undefined) === (env.OPERATOR_PASSWORD === undefined), {
    message: 'OPERATOR_USER and OPERATOR_PASSWORD are set together or not at all',
    path: ['OPERATOR_PASSWORD'],
  })
  .superRefine((env, ctx) => {
    if (env.OPERATOR_PASSWORD === undefined) return;
    const weak = weakOperatorPassword(env.OPERATOR_PASSWORD, env.OPERATOR_USER);
    if (weak) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPERATOR_PASSWORD'],
        message: `refused: ${weak}. Use a random one, e.g. \`openssl rand -base64 24\``,
      });
    }
  });

export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** The admin CLI's configuration: the database, and EC2 for discovering a deployment's nodes. */
export const adminEnvSchema = z.object({ ...databaseEnv, ...awsEnv });
export type AdminEnv = z.infer<typeof adminEnvSchema>;
