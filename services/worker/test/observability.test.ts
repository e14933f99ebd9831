import { sampleValue, scrape, startTcpProxy, type TcpProxy } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { row, useTestFleet } from './harness/fleet.js';
import { spawnWorker, type WorkerProcess, workerEnv } from './harness/processes.js';
import { requestBackup, requestDelete, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

// The worker as a real process: /metrics, /healthz and /readyz on METRICS_PORT
// (0 = a free port, read from its log), metrics that move when work runs, JSON
// log lines that carry the job and the deployment. Redis is reached through a
// proxy the test can cut (the machine's shared Redis is never stopped).

const fleet = useTestFleet({ timeScale: 0.001 });
let redisProxy: TcpProxy;
let worker: WorkerProcess;
let base: string;

beforeAll(async () => {
  const redisUrl = new URL(fleet.redis.url);
  redisProxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  redisUrl.port = String(redisProxy.port);
  worker = spawnWorker(
    workerEnv(fleet.env, { REDIS_URL: redisUrl.toString(), METRICS_PORT: '0', LOG_LEVEL: 'info' }),
  );
  const port = await waitFor(
    'the metrics port in the log',
    async () => worker.output().match(/"port":(\d+).*metrics and health endpoints listening/)?.[1],
    30_000,
  );
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await worker?.stop();
  await redisProxy?.close();
});

const finished = (sql: string, params: string[]) =>
  waitFor(sql, async () => (await row<{ status: string }>(fleet.em(), sql, params))?.status, 30_000, 50);

describe('worker operations endpoints', () => {
  it('/metrics records operation durations and EC2 calls (throttles included) as backups and deletes run', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const before = await scrape(`${base}/metrics`);
    expect(sampleValue(before, 'backups_operation_duration_seconds_count')).toBe(0);
    expect(before.every((s) => s.labels.service === 'worker')).toBe(true);

    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint, { nodes: 1, volumesPerNode: 2 });
    await fleet.emu.control.injectFault({
      action: 'CreateSnapshots',
      code: 'RequestLimitExceeded',
      count: 2,
    });
    const { backupId } = await requestBackup(em, fleet.queues, d.deploymentId);
    const sql = 'select status from backups where id = ? and status in (?, ?)';
    expect(await finished(sql, [backupId.toString(), 'completed', 'failed'])).toBe('completed');
    await requestDelete(em, fleet.queues, backupId);
    expect(await finished(sql, [backupId.toString(), 'deleted', 'deleted'])).toBe('deleted');

    const after = await waitFor(
      'the delete observed',
      async () => {
        const s = await scrape(`${base}/metrics`);
        return sampleValue(s, 'backups_operation_duration_seconds_count', { kind: 'delete' }) > 0 && s;
      },
      10_000,
    );
    const op = { kind: 'backup', outcome: 'succeeded' };
    expect(sampleValue(after, 'backups_operation_duration_seconds_count', op)).toBe(1);
    expect(sampleValue(after, 'backups_operation_duration_seconds_sum', op)).toBeGreaterThan(0);
    expect(sampleValue(after, 'backups_operation_duration_seconds_bucket', { ...op, le: '+Inf' })).toBe(1);
    expect(
      sampleValue(after, 'backups_operation_duration_seconds_count', {
        kind: 'delete',
        outcome: 'succeeded',
      }),
    ).toBe(1);
    expect(
      sampleValue(after, 'backups_ec2_calls_total', { action: 'CreateSnapshots', outcome: 'throttled' }),
    ).toBe(2);
    expect(sampleValue(after, 'backups_ec2_calls_total', { action: 'CreateSnapshots', outcome: 'ok' })).toBe(
      1,
    );
    expect(sampleValue(after, 'backups_ec2_calls_total', { action: 'DeleteSnapshot', outcome: 'ok' })).toBe(
      2,
    );

    // Job log lines name the job, its deployment and the operation; every line is JSON.
    const lines = worker
      .output()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const done = lines.find((l) => l.msg === 'operation finished');
    expect(done, worker.output()).toMatchObject({
      service: 'worker',
      job: 'operation.drive',
      deploymentId: d.deploymentId.toString(),
      kind: 'backup',
      outcome: 'succeeded',
    });
    expect(done?.jobId).toEqual(expect.any(String));
    expect(done?.opId).toEqual(expect.any(String));
    expect(lines.find((l) => l.msg === 'backup deleted')).toMatchObject({
      job: 'backup.delete',
      backupId: backupId.toString(),
      jobId: expect.any(String),
    });
  });

  it('/readyz answers 503 while Redis is unreachable and 200 once it is back', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await redisProxy.cut();
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    const body = JSON.parse(await down.text()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.redis?.ok).toBe(false);
    expect(body.checks.postgres?.ok).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await redisProxy.restore();
    expect(
      await waitFor('ready again', async () => (await fetch(`${base}/readyz`)).status === 200, 20_000, 200),
    ).toBe(true);
  });
});
