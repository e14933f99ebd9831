import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WORKER_RUNTIME_ENV } from '../../src/runtime.js';

const WORKER_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface FleetEnv {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  endpoint: string;
}

/** The environment of a worker process of the test fleet: fast polls, short leases, no fleet rate limit to speak of. */
export function workerEnv(fleet: FleetEnv, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: fleet.databaseUrl,
    DATABASE_POOL_MAX: '10',
    REDIS_URL: fleet.redisUrl,
    QUEUE_PREFIX: fleet.prefix,
    AWS_REGION: 'us-west-1',
    AWS_ENDPOINT_URL_EC2: fleet.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    LOG_LEVEL: 'warn',
    POLL_INTERVAL_MS: '40',
    OPERATION_LEASE_MS: '2000',
    JOB_LOCK_DURATION_MS: '2000',
    JOB_STALLED_INTERVAL_MS: '1000',
    EC2_MUTATING_RATE_PER_SEC: '1000',
    EC2_MUTATING_BURST: '1000',
    EC2_DESCRIBE_RATE_PER_SEC: '1000',
    EC2_DESCRIBE_BURST: '1000',
    // EBS's 15 s between snapshots of a volume, at the emulator's time scale (0.0005).
    SNAPSHOT_VOLUME_SPACING_MS: '8',
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Several workers run side by side: each takes a free port for its ops endpoints.
    METRICS_PORT: '0',
    // Started as in production (src/runtime.ts).
    ...WORKER_RUNTIME_ENV,
    ...extra,
  };
}

export interface SpawnOptions {
  /** Extra `node` flags, e.g. `--heapsnapshot-signal=SIGUSR2`. */
  nodeArgs?: readonly string[];
  /** Run this JavaScript file (a compiled build) instead of `src/main.ts` through tsx. */
  entry?: string;
}

/** Starts `services/worker/src/main.ts` (or a compiled `entry`) as its own OS process. */
export function spawnWorker(env: Record<string, string>, opts: SpawnOptions = {}): WorkerProcess {
  const entry = opts.entry
    ? [opts.entry]
    : ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry], {
    cwd: WORKER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
