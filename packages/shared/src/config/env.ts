import { z } from 'zod';

// Each service declares one zod schema for its configuration and parses it once
// at start-up (services/*/src/env.ts). Nothing else reads process.env.

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const databaseEnv = {
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/backups'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};

export const redisEnv = {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** BullMQ key prefix; lets several fleets (or test runs) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('backups'),
};

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanString.default(false),
};

export const awsEnv = {
  AWS_REGION: z.string().min(1).default('us-west-1'),
  /** Any EC2-compatible endpoint (the emulator locally); unset means real AWS. */
  AWS_ENDPOINT_URL_EC2: z.url().optional(),
  /** Static credentials if set (the emulator, local runs); otherwise the SDK's default chain (roles, SSO, ...). */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};

export { booleanString };

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly issues: string[],
  ) {
    super(`Invalid configuration for ${service}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses configuration, throwing a ConfigError that names every bad variable. */
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    service,
    result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  );
}

/** For a service's main: parse, or print what is wrong and exit non-zero. */
export function loadConfig<S extends z.ZodType>(service: string, schema: S): z.infer<S> {
  try {
    return parseConfig(service, schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
