import {
  BACKUP_TYPES,
  INT64_MAX,
  idString,
  RESTORE_STATUSES,
  UPGRADE_STATUSES,
  VISIBLE_BACKUP_STATUSES,
} from '@backups/shared';
import { checkCron, isValidTimezone, minInterval } from '@backups/shared/schedules';
import { z } from '@hono/zod-openapi';

// Request and response schemas shared by the routes. Response schemas are for
// the OpenAPI document; bodies are written by stringifyJson so int64 ids stay exact.

const int64Doc = { type: 'integer', format: 'int64', minimum: 1, example: 42 } as const;

function pathId(name: string) {
  // idString was built before zod-openapi extended zod, so it is wrapped to carry the metadata.
  return z
    .string()
    .pipe(idString)
    .openapi({
      param: { name, in: 'path', required: true },
      type: 'string',
      pattern: '^[1-9][0-9]{0,18}$',
      description: 'A positive 64-bit integer id.',
      example: '42',
    });
}

export const deploymentParams = z.object({ deployment_id: pathId('deployment_id') });
export const backupParams = z.object({
  deployment_id: pathId('deployment_id'),
  backup_id: pathId('backup_id'),
});
export const restoreParams = z.object({
  deployment_id: pathId('deployment_id'),
  restore_id: pathId('restore_id'),
});

/** Optional on create: a client's retry with the same key gets the same backup (204, same Location). */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 visible ASCII characters')
    .optional()
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, example: 'create-7f3a9c' }),
});

/** Not NUL: Postgres text cannot hold it, and it is never meant. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL');

/** A JSON integer id: a number when it fits a double exactly, a bigint (from lossless-json) when it does not. */
const int64Json = z
  .union([z.number().int().positive(), z.bigint().positive().max(INT64_MAX)])
  .transform((v) => BigInt(v))
  .openapi(int64Doc);

export const createBackupBody = z
  .strictObject({
    name: text(1024)
      .transform((s) => s.trim())
      .pipe(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
      .openapi({ type: 'string', minLength: 1, maxLength: 128, example: 'before-migration' }),
    node_id: int64Json
      .optional()
      .openapi({ ...int64Doc, description: 'A node of this deployment; all nodes if omitted.' }),
    backup_type: z.enum(BACKUP_TYPES).default('manual'),
    remarks: text(1024)
      .nullable()
      .optional()
      .openapi({ type: ['string', 'null'], maxLength: 1024 }),
    expires_in_days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .openapi({ description: 'Auto-delete after this many days.' }),
  })
  .openapi('CreateBackupRequest');

const timestamp = z.string().openapi({ format: 'date-time', example: '2025-01-15T10:30:00Z' });
const id = z.number().int().openapi(int64Doc);

export const backupResponse = z
  .object({
    id,
    deployment_id: id,
    node_id: id.nullable(),
    name: z.string(),
    backup_type: z.enum(BACKUP_TYPES),
    status: z.enum(VISIBLE_BACKUP_STATUSES),
    snapshot_ids: z.array(z.string()).openapi({ example: ['snap-0abc123def456789a'] }),
    volume_ids: z.array(z.string()).openapi({ example: ['vol-0abc123def456789a'] }),
    size_bytes: z.number().int().nullable(),
    region: z.string().openapi({ example: 'us-west-1' }),
    remarks: z.string().nullable(),
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
    expires_at: timestamp.nullable(),
    created_at: timestamp,
    progress: z.number().int().min(0).max(100).nullable().openapi({
      example: 45,
      description:
        'How far the snapshots are, 0-100, weighted by volume size; 100 once completed, null before any snapshot has started.',
    }),
  })
  .openapi('Backup');

export const restoreResponse = z
  .object({
    id,
    deployment_id: id,
    backup_id: id,
    status: z.enum(RESTORE_STATUSES),
    step: z.string().nullable(),
    error: z.string().nullable(),
    replaced_volume_ids: z.array(z.string()),
    new_volume_ids: z.array(z.string()),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .openapi('Restore');

export const nodeResponse = z
  .object({
    id,
    name: z.string().openapi({ example: 'node-1' }),
    availability_zone: z.string().openapi({ example: 'us-west-1a' }),
  })
  .openapi('Node');

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string(),
      request_id: z.string(),
      details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const errorContent = { content: { 'application/json': { schema: errorResponse } } };

/** The error responses a tenant route can give, for the OpenAPI document. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503>) {
  const descriptions: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthenticated',
    403: 'forbidden or plan_upgrade_required',
    404: 'not_found',
    409: 'conflict (see code)',
    413: 'payload_too_large',
    422: 'backups_not_supported or invalid_node',
    429: 'rate_limited (see Retry-After)',
    503: 'unavailable (see Retry-After)',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'error', ...errorContent }]),
  );
}

export const COMMON_ERRORS = [400, 401, 403, 404, 429, 503] as const;
export const security = [{ ApiKey: [] }];

/** Schedules fire at most this often: each run snapshots every volume of the deployment. */
export const MIN_SCHEDULE_INTERVAL_MINUTES = 15;

export const scheduleBody = z
  .strictObject({
    cron: text(128)
      .superRefine((cron, ctx) => {
        const check = checkCron(cron);
        if (!check.ok) {
          ctx.addIssue({ code: 'custom', message: `not a valid cron expression: ${check.message}` });
        }
      })
      .openapi({
        type: 'string',
        example: '0 3 * * *',
        description: 'Five-field cron: minute hour day-of-month month day-of-week.',
      }),
    timezone: z
      .string()
      .max(64)
      .refine(isValidTimezone, 'must be an IANA time zone such as Europe/Warsaw or UTC')
      .default('UTC')
      .openapi({ type: 'string', example: 'Europe/Warsaw' }),
    node_id: int64Json
      .nullable()
      .optional()
      .openapi({ ...int64Doc, description: 'A node of this deployment; all nodes if omitted.' }),
    expires_in_days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .nullable()
      .optional()
      .openapi({ description: 'Scheduled backups auto-delete after this many days.' }),
    keep_count: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .nullable()
      .optional()
      .openapi({ description: 'Keep at most this many scheduled backups; the oldest are rotated out.' }),
    enabled: z.boolean().default(true),
  })
  // The interval is measured where the schedule fires, in its own time zone:
  // a DST change can bring two runs closer than the cron reads in UTC.
  .superRefine(({ cron, timezone }, ctx) => {
    // Zod runs this even when a field already failed (its issues do not abort),
    // so only a cron and time zone that passed their own checks are measured.
    if (typeof cron !== 'string' || !checkCron(cron).ok || !isValidTimezone(timezone)) return;
    if (minInterval(cron, timezone, new Date()) < MIN_SCHEDULE_INTERVAL_MINUTES * 60_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `must not run more often than every ${MIN_SCHEDULE_INTERVAL_MINUTES} minutes in ${timezone}, DST changes included`,
      });
    }
  })
  .openapi('BackupScheduleRequest');

export const scheduleResponse = z
  .object({
    deployment_id: id,
    cron: z.string(),
    timezone: z.string(),
    node_id: id.nullable(),
    expires_in_days: z.number().int().nullable(),
    keep_count: z.number().int().nullable(),
    enabled: z.boolean(),
    next_runs: z.array(timestamp),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi('BackupSchedule');

export const upgradeBody = z
  .strictObject({
    target_version: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, 'must be a version such as 0.6.0')
      .openapi({ type: 'string', example: '0.6.0' }),
  })
  .openapi('UpgradeRequest');

export const upgradeParams = z.object({
  deployment_id: pathId('deployment_id'),
  upgrade_id: pathId('upgrade_id'),
});

export const upgradeResponse = z
  .object({
    id,
    deployment_id: id,
    from_version: z.string(),
    target_version: z.string(),
    status: z.enum(UPGRADE_STATUSES),
    pre_upgrade_backup_id: id.nullable(),
    error: z.string().nullable(),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
  })
  .openapi('Upgrade');
