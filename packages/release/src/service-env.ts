import { SERVICE_RUNTIME_ENV } from '@backups/shared/runtime-env';
import { WORKER_RUNTIME_ENV } from '@backups/worker/runtime';
import type { Service } from './deployables.js';

export interface FleetTarget {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  ec2Endpoint: string;
}

/** A production-like environment: only what a container would be given, no loader, no dev flags. */
export function serviceEnv(service: Service, target: FleetTarget, port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    QUEUE_PREFIX: target.queuePrefix,
    AWS_REGION: 'us-west-1',
    AWS_ENDPOINT_URL_EC2: target.ec2Endpoint,
    AWS_ACCESS_KEY_ID: 'release-check',
    AWS_SECRET_ACCESS_KEY: 'release-check',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // The API's ops port on any free one (the checks probe its PORT); the
    // worker's and scheduler's are their probed port, set on the next line.
    METRICS_PORT: '0',
    [service.portVariable]: String(port),
    ...runtimeEnv(service),
  };
}

/** The memory settings the service's image starts it with (its Dockerfile target sets the same). */
export function runtimeEnv(service: Service): Readonly<Record<string, string>> {
  return service.name === 'worker' ? WORKER_RUNTIME_ENV : SERVICE_RUNTIME_ENV;
}
