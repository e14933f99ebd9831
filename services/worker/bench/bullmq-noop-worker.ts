import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

// The baseline's consumer: a bare BullMQ Worker whose processor does nothing,
// in a process of its own like a fleet worker. What BullMQ and Redis cost per
// job on this machine, with none of our code in the way.
// Run by bullmq-baseline.ts: BASELINE_REDIS_URL, BASELINE_PREFIX, BASELINE_QUEUE, BASELINE_CONCURRENCY.

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const connection = new Redis(env('BASELINE_REDIS_URL'), { maxRetriesPerRequest: null });
const worker = new Worker(env('BASELINE_QUEUE'), async () => undefined, {
  connection,
  prefix: env('BASELINE_PREFIX'),
  concurrency: Number(env('BASELINE_CONCURRENCY')),
});
worker.on('error', (err) => process.stderr.write(`baseline worker error: ${err.message}\n`));
await worker.waitUntilReady();

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => connection.quit())
    .finally(() => process.exit(0));
});
