import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { countBackupsByTypeAndStatus } from '../backups/backup-reads.js';
import { countRestoresByStatus } from '../restores/restore-reads.js';

// One registry per process, with the metrics every service may record. Counts
// that Postgres or Redis already hold (backups by status, queue depth) are read
// at scrape time rather than tracked in memory, so every replica reports the
// same truth and a restart loses nothing.

export interface Metrics {
  readonly registry: Registry;
  readonly operationDuration: Histogram<'kind' | 'outcome'>;
  readonly ec2Calls: Counter<'action' | 'outcome'>;
  readonly reconcilerRepairs: Counter<'kind'>;
  readonly stuckOperations: Gauge;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    operationDuration: new Histogram({
      name: 'backups_operation_duration_seconds',
      help: 'Duration of backup, restore, upgrade and delete operations from start to end',
      labelNames: ['kind', 'outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
      registers: [registry],
    }),
    ec2Calls: new Counter({
      name: 'backups_ec2_calls_total',
      help: 'EC2 API calls by action and outcome (ok, throttled, not_found, error)',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    reconcilerRepairs: new Counter({
      name: 'backups_reconciler_repairs_total',
      help: 'Signals re-sent by the reconciler for work Postgres holds as unfinished',
      labelNames: ['kind'],
      registers: [registry],
    }),
    stuckOperations: new Gauge({
      name: 'backups_stuck_operations',
      help: 'Operations unfinished for longer than the configured bound',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'backups_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'backups_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/** Backups and restores by type and status, read from Postgres at scrape time. */
export function registerDomainGauges(registry: Registry, em: () => EntityManager): void {
  new Gauge({
    name: 'backups_backups',
    help: 'Backups by type and status (deleted ones excluded)',
    labelNames: ['type', 'status'],
    registers: [registry],
    async collect() {
      const rows = await readOrSkip(() => countBackupsByTypeAndStatus(em()));
      this.reset();
      for (const r of rows ?? []) this.set({ type: r.backupType, status: r.status }, r.count);
    },
  });
  new Gauge({
    name: 'backups_restores',
    help: 'Restores by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await readOrSkip(() => countRestoresByStatus(em()));
      this.reset();
      for (const r of rows ?? []) this.set({ status: r.status }, r.count);
    },
  });
}

/** Queue depth by state and the age of the oldest waiting job, read from Redis at scrape time. */
export function registerQueueGauges(registry: Registry, queues: () => Queue[]): void {
  new Gauge({
    name: 'backups_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const read = await readOrSkip(() =>
        Promise.all(
          queues().map(async (q) => ({
            queue: q.name,
            counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          })),
        ),
      );
      this.reset();
      for (const { queue, counts } of read ?? [])
        for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
    },
  });
  new Gauge({
    name: 'backups_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting to be picked up, per queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const read = await readOrSkip(() =>
        Promise.all(queues().map(async (q) => ({ queue: q.name, oldest: (await q.getWaiting(-1, -1))[0] }))),
      );
      this.reset();
      for (const { queue, oldest } of read ?? [])
        this.set({ queue }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
    },
  });
}

/** Bound on one scrape-time read; Prometheus's own scrape timeout defaults to 10 s. */
const SCRAPE_READ_TIMEOUT_MS = 2_000;

/**
 * A scrape-time read, or undefined when its source fails or is slow: its series
 * are then left out (absent, which alerts can catch) instead of failing the
 * whole scrape with a 500, because the HTTP and process series matter most
 * while Postgres or Redis is away.
 */
async function readOrSkip<T>(read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), SCRAPE_READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([read().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}
