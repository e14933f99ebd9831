import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, describe, expect, it } from 'vitest';

// main.ts as a real process: it starts from its environment, serves, and
// shuts down cleanly on SIGTERM.

const db = useTestDatabase();
const redis = useTestRedis();
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('main.ts', () => {
  it('serves from its environment and exits 0 on SIGTERM', async () => {
    child = spawn('node', ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: redis.prefix,
        LOG_LEVEL: 'info',
        OPERATOR_USER: 'ops',
        OPERATOR_PASSWORD: 'correct horse battery',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${output}`)), 20_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = output.match(/"port":(\d+)/);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child?.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
    });
    // Ready once Postgres and Redis answer (main waits up to 5 s for Redis before listening).
    let ready = 0;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      ready = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
      if (ready === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready, output).toBe(200);
    const unauth = await fetch(`http://127.0.0.1:${port}/deployments/1/backups`);
    expect(unauth.status).toBe(401);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('backups_http_requests_total{');
    const board = `http://127.0.0.1:${port}/admin/queues/api/queues`;
    expect((await fetch(board)).status).toBe(401);
    const authorization = `Basic ${Buffer.from('ops:correct horse battery').toString('base64')}`;
    expect((await fetch(board, { headers: { authorization } })).status).toBe(200);

    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    // Generous for a loaded machine; SHUTDOWN_TIMEOUT_MS (10 s) is the process's own bound.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(code, output).toBe(0);
    expect(output).toContain('stopped');
    // Every line is one JSON object (no driver or library text in between), and no secret appears.
    const lines = output.split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(output).not.toContain('correct horse battery');
  });
});
