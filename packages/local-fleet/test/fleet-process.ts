import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, expect } from 'vitest';

// `pnpm dev`'s entry point as a real process, on a test file's own database,
// Redis prefix and ports, for tests that drive the whole fleet.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

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

export interface StartedFleet {
  /** The banner's ready-to-paste curl. */
  curl: string;
  /** The demo key and deployment the banner printed. */
  key: string;
  deploymentId: string;
  apiUrl: string;
  apiMetricsPort: number;
  /** The Console's Backups tab of the demo deployment, as the banner printed it. */
  consoleUrl: string;
}

export interface FleetProcess {
  readonly child: ChildProcess | undefined;
  /** Everything the fleet has printed so far. */
  readonly output: string;
  start(env?: Record<string, string>): Promise<StartedFleet>;
  /** Polls `check` until it gives a value; fails with the fleet's last output if the fleet stops or time runs out. */
  waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T>;
  /** Every live process started with this test's Redis prefix: the fleet and each service it spawned. */
  processes(): Promise<number[]>;
  allGone(): Promise<true>;
}

/** One fleet per test file (started by `start`, killed after the file if still running). */
export function useFleetProcess(): FleetProcess {
  const db = useTestDatabase();
  const redis = useTestRedis();
  let child: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  const fleet: FleetProcess = {
    get child() {
      return child;
    },
    get output() {
      return output;
    },

    async waitFor(what, check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await check().catch(() => undefined);
        if (value !== undefined) return value;
        // The fleet's own log says why (a stuck step, a crash): the last of it goes in the failure.
        const stopped = child !== undefined && child.exitCode !== null;
        if (stopped || Date.now() > deadline)
          throw new Error(
            `${stopped ? 'the fleet stopped' : 'timed out'} waiting for ${what}; the fleet said:\n${output.slice(-6000)}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    },

    async processes() {
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
    },

    allGone() {
      return fleet.waitFor(
        'every process of the fleet to exit',
        async () => ((await fleet.processes()).length === 0 ? true : undefined),
        60_000,
      );
    },

    async start(extraEnv = {}) {
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
        ...extraEnv,
      };
      output = '';
      child = spawn(
        process.execPath,
        ['--conditions=@backups/source', '--import', 'tsx', 'packages/local-fleet/src/main.ts'],
        { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
      );
      for (const stream of [child.stdout, child.stderr])
        stream?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
      const curl = await fleet.waitFor(
        'the banner with a curl',
        async () =>
          output
            .split('\n')
            .find((l) => l.trim().startsWith('curl -i -X POST'))
            ?.trim(),
        90_000,
      );
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      expect(output).toContain(`API             ${apiUrl}`);
      expect(output).toContain(`Metrics         http://127.0.0.1:${apiMetricsPort}/metrics`);
      const deploymentId = /deployments\/(\d+)\/backups/.exec(curl)?.[1] ?? '';
      const consoleUrl = `${apiUrl}/console/deployments/${deploymentId}`;
      expect(output).toContain(consoleUrl);
      return {
        curl,
        key: /ld-api-key: (ld_\w+)/.exec(curl)?.[1] ?? '',
        deploymentId,
        apiUrl,
        apiMetricsPort: Number(apiMetricsPort),
        consoleUrl,
      };
    },
  };
  return fleet;
}
