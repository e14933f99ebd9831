import { useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess, waitReady } from './api-process.js';

// main.ts as a real process: it starts from its environment, serves, and
// shuts down cleanly on SIGTERM.

const db = useTestDatabase();
const redis = useTestRedis();
let api: ApiProcess | undefined;
afterAll(() => {
  if (api && api.child.exitCode === null) api.child.kill('SIGKILL');
});

/** Starting through tsx and stopping take seconds; only a hang comes near this. */
const HANG_MS = 120_000;

describe('main.ts', () => {
  it(
    'serves from its environment, exits 0 on SIGTERM through its graceful path, and logs only JSON without secrets',
    async () => {
      api = await startApiProcess(db, redis, {
        OPERATOR_USER: 'ops',
        OPERATOR_PASSWORD: 'correct horse battery',
      });
      // Ready once Postgres and Redis answer (main waits up to 5 s for Redis before listening).
      await waitReady(api);
      const unauth = await fetch(`${api.url}/deployments/1/backups`);
      expect(unauth.status).toBe(401);
      // Metrics are on the ops port only.
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
      const metrics = await fetch(`${api.opsUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('backups_http_requests_total{');
      const board = `${api.url}/admin/queues/api/queues`;
      expect((await fetch(board)).status).toBe(401);
      const authorization = `Basic ${Buffer.from('ops:correct horse battery').toString('base64')}`;
      expect((await fetch(board, { headers: { authorization } })).status).toBe(200);

      const code = await api.stop();
      const output = api.output();
      // Past SHUTDOWN_TIMEOUT_MS main.ts exits 1 ("shutdown timed out"): 0 and "stopped"
      // show it closed the server and its connections within its own bound.
      expect(code, output).toBe(0);
      expect(output).toContain('stopped');
      expect(output).not.toContain('shutdown timed out');
      // Every line is one JSON object (no driver or library text in between), and no secret appears.
      const lines = output.split('\n').filter(Boolean);
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
      expect(output).not.toContain('correct horse battery');
    },
    HANG_MS,
  );
});
