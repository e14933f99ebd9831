import { type ChildProcess, exec, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, describe, expect, it } from 'vitest';

// `pnpm dev` end to end: the same entry point a newcomer runs, as a real
// process, on its own database, Redis prefix and ports. The curl it prints is
// run as printed, and the backup it creates must reach `completed`.

const db = useTestDatabase();
const redis = useTestRedis();
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(exec);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let fleet: ChildProcess | undefined;
let output = '';
afterAll(() => {
  if (fleet?.pid && fleet.exitCode === null) process.kill(-fleet.pid, 'SIGKILL');
});

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    // The fleet's own log says why (a stuck step, a crash): the last of it goes in the failure.
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; the fleet said:\n${output.slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('pnpm dev', () => {
  it('brings the fleet up; the printed curl creates a backup that completes and shows in Bull Board; Ctrl-C stops it all', async () => {
    const apiPort = await freePort();
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      API_PORT: String(apiPort),
      EC2_EMULATOR_PORT: String(await freePort()),
      WORKER_METRICS_BASE_PORT: String(await freePort()),
      SCHEDULER_METRICS_PORT: String(await freePort()),
      EC2_TIME_SCALE: '0.002',
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'warn',
    };
    // The worker's second process takes the next metrics port.
    fleet = spawn(
      process.execPath,
      ['--conditions=@backups/source', '--import', 'tsx', 'packages/local-fleet/src/main.ts'],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    fleet.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    fleet.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });

    const curl = await waitFor(
      'the banner with a curl',
      async () =>
        output
          .split('\n')
          .find((l) => l.trim().startsWith('curl -i -X POST'))
          ?.trim(),
      90_000,
    );
    expect(output).toContain(`API             http://127.0.0.1:${apiPort}`);
    const key = /ld-api-key: (ld_\w+)/.exec(curl)?.[1] ?? '';
    const deployment = /deployments\/(\d+)\/backups/.exec(curl)?.[1] ?? '';
    const user = /user (\S+), password (\S+)\)/.exec(output);

    const { stdout } = await run(curl);
    expect(stdout, output).toMatch(/HTTP\/1\.1 204/);
    const location = /location: (\S+)/i.exec(stdout)?.[1] ?? '';
    expect(location).toMatch(new RegExp(`^/deployments/${deployment}/backups/\\d+$`));

    const api = `http://127.0.0.1:${apiPort}`;
    const completed = await waitFor(
      'the backup to complete',
      async () => {
        const res = await fetch(`${api}/deployments/${deployment}/backups`, {
          headers: { 'ld-api-key': key },
        });
        const text = await res.text();
        // The int64 deployment id must come back exact, so compare on the raw text.
        return text.includes('"status":"completed"') ? text : undefined;
      },
      120_000,
    );
    expect(completed).toContain(`"deployment_id":${deployment}`);
    expect(completed).toMatch(/"snapshot_ids":\["snap-[0-9a-f]+","snap-[0-9a-f]+"\]/);

    // Bull Board (behind the operator credentials the banner printed) shows the finished job.
    const auth = `Basic ${Buffer.from(`${user?.[1]}:${user?.[2]}`).toString('base64')}`;
    expect((await fetch(`${api}/admin/queues/api/queues`)).status).toBe(401);
    const board = await fetch(`${api}/admin/queues/api/queues?activeQueue=operations&status=completed`, {
      headers: { authorization: auth },
    });
    expect(board.status).toBe(200);
    const queues = (await board.json()) as {
      queues: Array<{ name: string; counts: Record<string, number> }>;
    };
    const operations = queues.queues.find((q) => q.name === 'operations');
    expect(operations?.counts.completed ?? 0, JSON.stringify(queues)).toBeGreaterThanOrEqual(1);

    // Ctrl-C: everything stops, cleanly and soon.
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => fleet?.once('exit', (code) => resolve(code)));
    if (fleet.pid) process.kill(fleet.pid, 'SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  });
});
