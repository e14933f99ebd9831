import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { TestDatabase, TestRedis } from '@backups/testing';
import { afterAll, beforeAll } from 'vitest';

// src/main.ts as its own OS process, on a test file's database and Redis prefix.

/** Only a hang takes this long; startup through tsx on two busy cores takes seconds. */
const START_HANG_MS = 60_000;

export interface ApiProcess {
  /** The tenant port. */
  readonly url: string;
  /** METRICS_PORT: /metrics, /healthz, /readyz for operators. */
  readonly opsUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code once the process has ended. */
  stop(): Promise<number | null>;
}

export async function startApiProcess(
  db: TestDatabase,
  redis: TestRedis,
  env: Record<string, string> = {},
): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  // Both ports are logged once listening: the tenant one as "port", the ops one as "metricsPort".
  const [port, opsPort] = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening lines: ${output}`)), START_HANG_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const tenant = output.match(/"port":(\d+)/);
      const ops = output.match(/"metricsPort":(\d+)/);
      if (tenant && ops) {
        clearTimeout(timer);
        resolve([Number(tenant[1]), Number(ops[1])]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening: ${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

/** Polls /readyz until 200 (Postgres and Redis answer); only a hang reaches the guard. */
export async function waitReady(api: ApiProcess): Promise<void> {
  for (const deadline = Date.now() + START_HANG_MS; ; ) {
    const status = await fetch(`${api.url}/readyz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready (last /readyz ${status}): ${api.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One ready API process for a test file: started before its tests, stopped (SIGTERM) after them. */
export function useApiProcess(
  db: TestDatabase,
  redis: TestRedis,
  env: Record<string, string> = {},
): () => ApiProcess {
  let api: ApiProcess | undefined;
  beforeAll(async () => {
    api = await startApiProcess(db, redis, env);
    await waitReady(api);
  }, 2 * START_HANG_MS);
  afterAll(async () => {
    await api?.stop();
  });
  return () => {
    if (!api) throw new Error('the API process exists only inside tests');
    return api;
  };
}
