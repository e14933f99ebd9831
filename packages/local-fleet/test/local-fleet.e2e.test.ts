import { type ChildProcess, exec, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
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

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

/**
 * `count` consecutive ports that are all free: the fleet gives worker i the
 * metrics port base + i - 1, so picking the base alone could collide with a
 * port in use (the worker then dies with EADDRINUSE and the backup never runs).
 */
async function freePortRun(count: number): Promise<number[]> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const held = await Promise.all(Array.from({ length: count }, (_, i) => listenOn(base + i)));
    await Promise.all(held.map((s) => s && new Promise((r) => s.close(r))));
    if (held.every(Boolean)) return held.map((_, i) => base + i);
  }
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
    const stopped = fleet !== undefined && fleet.exitCode !== null;
    if (stopped || Date.now() > deadline)
      throw new Error(
        `${stopped ? 'the fleet stopped' : 'timed out'} waiting for ${what}; the fleet said:\n${output.slice(-6000)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Every live process started with this test's Redis prefix in its environment:
 * the fleet and each service it spawned, wherever they were reparented to.
 */
async function processesOfThisFleet(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    // A zombie (state Z) has exited and holds nothing; it only waits for its reaper.
    if (environ.split('\0').includes(`QUEUE_PREFIX=${redis.prefix}`) && !/\) Z /.test(state))
      pids.push(Number(entry));
  }
  return pids;
}

function allGone(): Promise<true> {
  return waitFor(
    'every process of the fleet to exit',
    async () => ((await processesOfThisFleet()).length === 0 ? true : undefined),
    60_000,
  );
}

/** Starts `pnpm dev`'s entry point as a newcomer would; resolves with the banner's curl once it is up. */
async function startFleet(): Promise<{ curl: string; apiPort: number; apiMetricsPort: number }> {
  // The API, its metrics port, the emulator, the scheduler's and both workers' metrics ports.
  const [apiPort, apiMetricsPort, emulatorPort, schedulerPort, workerBasePort] = await freePortRun(6);
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    API_PORT: String(apiPort),
    API_METRICS_PORT: String(apiMetricsPort),
    EC2_EMULATOR_PORT: String(emulatorPort),
    WORKER_METRICS_BASE_PORT: String(workerBasePort),
    SCHEDULER_METRICS_PORT: String(schedulerPort),
    EC2_TIME_SCALE: '0.002',
    LOG_PRETTY: 'false',
    LOG_LEVEL: 'warn',
  };
  output = '';
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
  for (const stream of [fleet.stdout, fleet.stderr])
    stream?.on('data', (chunk: Buffer) => {
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
  expect(output).toContain(`Metrics         http://127.0.0.1:${apiMetricsPort}/metrics`);
  return { curl, apiPort: Number(apiPort), apiMetricsPort: Number(apiMetricsPort) };
}

describe('pnpm dev', () => {
  it('brings the fleet up; the printed curl creates a backup that completes and shows in Bull Board; Ctrl-C stops it all', async () => {
    const { curl, apiPort, apiMetricsPort } = await startFleet();
    const key = /ld-api-key: (ld_\w+)/.exec(curl)?.[1] ?? '';
    const deployment = /deployments\/(\d+)\/backups/.exec(curl)?.[1] ?? '';
    const user = /user (\S+), password (\S+)\)/.exec(output);
    // Generated for this run (no default password anyone could know), accepted by the API's rules.
    expect(user?.[2]).toMatch(/^[\w-]{24}$/);

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

    // The API's metrics are on the port the banner printed, not on the tenant port.
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`);
    expect(await metrics.text()).toContain('backups_http_requests_total{');

    // Ctrl-C: the fleet stops every service in order, then exits 0.
    const exited = new Promise<number | null>((resolve) => fleet?.once('exit', (code) => resolve(code)));
    if (fleet?.pid) process.kill(fleet.pid, 'SIGINT');
    expect(await exited).toBe(0);
    expect(await processesOfThisFleet()).toEqual([]);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  });

  it('leaves no service running when the fleet is killed while it stops (SIGTERM, then SIGKILL)', async () => {
    const { apiPort } = await startFleet();
    const services = (await processesOfThisFleet()).filter((pid) => pid !== fleet?.pid);
    // The API, two workers and the scheduler, each in its own process group (and
    // any helper process of theirs, such as the TypeScript loader's esbuild).
    expect(services.length).toBeGreaterThanOrEqual(4);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      fleet?.once('exit', (_code, signal) => resolve(signal)),
    );
    if (fleet?.pid) {
      process.kill(fleet.pid, 'SIGTERM');
      process.kill(fleet.pid, 'SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    await allGone();
    await expect(fetch(`http://127.0.0.1:${apiPort}/healthz`)).rejects.toThrow();
  });

  it('stops at once on a second Ctrl-C while a service hangs in its shutdown, leaving no service running', async () => {
    await startFleet();
    const pid = fleet?.pid ?? 0;
    // A service that cannot finish stopping: the orderly stop would wait its timeout for it.
    const [stuck] = (await processesOfThisFleet()).filter((p) => p !== pid);
    process.kill(stuck ?? 0, 'SIGSTOP');
    const exited = new Promise<number | null>((resolve) => fleet?.once('exit', (code) => resolve(code)));
    process.kill(pid, 'SIGINT');
    // The second once the first is being handled (two signals in a row may arrive as one).
    await waitFor(
      'the fleet to start stopping',
      async () => output.includes('stopping the fleet') || undefined,
      30_000,
    );
    process.kill(pid, 'SIGINT');
    // 130: stopped by the user without the orderly shutdown.
    expect(await exited).toBe(130);
    await allGone();
  });
});
