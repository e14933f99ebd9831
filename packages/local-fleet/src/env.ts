import { booleanString, databaseEnv, logEnv, redisEnv } from '@backups/shared';
import { z } from 'zod';

const port = (def: number) => z.coerce.number().int().min(1).max(65535).default(def);

export const localFleetEnv = z.object({
  ...databaseEnv,
  ...redisEnv,
  ...logEnv,
  LOG_PRETTY: booleanString.default(true),
  API_PORT: port(8080),
  /** The API's METRICS_PORT: /metrics, /healthz, /readyz off the tenant port. */
  API_METRICS_PORT: port(9300),
  EC2_EMULATOR_PORT: port(4566),
  WORKER_METRICS_BASE_PORT: port(9201),
  SCHEDULER_METRICS_PORT: port(9301),
  AWS_REGION: z.string().min(1).default('us-west-1'),
  /** 0.1 makes a 20 GiB snapshot (about 3 minutes in EC2's terms) take about 18 s. */
  EC2_TIME_SCALE: z.coerce.number().positive().max(1).default(0.1),
  WORKERS: z.coerce.number().int().min(1).max(8).default(2),
  /** Bull Board's operator credentials for the local run; the password is generated per run unless set. */
  OPERATOR_USER: z.string().min(1).default('operator'),
  OPERATOR_PASSWORD: z.string().min(1).optional(),
});

export type LocalFleetConfig = z.infer<typeof localFleetEnv>;
