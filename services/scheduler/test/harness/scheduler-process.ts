import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@backups/testing';
import { afterAll } from 'vitest';

// Services as real OS processes, from their source (node --conditions=@backups/source
// --import tsx src/main.ts), as `pnpm dev` runs them.

const SCHEDULER_DIR = fileURLToPath(new URL('../..', import.meta.url));

export interface SchedulerProcess extends ServiceProcess {
  /** The process's "schedule fired" log lines. */
  fired(): { outcome: string; jobId: string; deploymentId: string }[];
  /** Resolves with the ops port's base URL once the process logs it. */
  opsUrl(): Promise<string>;
}

/** `waitFor` with the scheduler tests' hang guard, 60 s by default. */
export function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  return waitFor(what, check, timeoutMs);
}

/** Spawned processes still running when the file ends are SIGKILLed. */
export function useSchedulerProcesses(): (env: Record<string, string>) => SchedulerProcess {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  return (env) => {
    const p = spawnScheduler(env);
    children.push(p.child);
    return p;
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the process has exited, however it ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

/** Starts a service of the repository from its source in `dir`, collecting its output. */
export function spawnFromSource(dir: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (d: Buffer) => {
    out += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => out,
    alive,
    exited: () => exit,
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      return exit;
    },
  };
}

function spawnScheduler(env: Record<string, string>): SchedulerProcess {
  // The tests read the process's log lines; METRICS_PORT 0 picks a free port.
  const p = spawnFromSource(SCHEDULER_DIR, { METRICS_PORT: '0', LOG_LEVEL: 'info', ...env });
  return {
    ...p,
    fired: () =>
      p
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"schedule fired"'))
        .map((l) => JSON.parse(l) as { outcome: string; jobId: string; deploymentId: string }),
    opsUrl: async () => {
      const port = await waitUntil('the ops port in the log', () => {
        if (!p.alive()) throw new Error(`scheduler exited: ${p.output()}`);
        return p.output().match(/"port":(\d+).*metrics and health endpoints listening/)?.[1];
      });
      return `http://127.0.0.1:${port}`;
    },
  };
}
