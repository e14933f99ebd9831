import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readyMs: number;
  output(): string;
  /** SIGTERM, then the exit. */
  stop(): Promise<Exit>;
}

export async function freePort(): Promise<number> {
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

/** Resident and peak resident memory of a live process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM') };
}

/**
 * Starts `node <args>` in `cwd` and resolves once `readyUrl` answers 200,
 * polling every 10 ms so the figure is the start-up, not the polling. Rejects
 * if the process exits first or `timeoutMs` passes.
 */
export async function startService(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs: number,
): Promise<RunningService> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };

  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (;;) {
    if (gone) throw new Error(`${args.join(' ')} exited before it was ready:\n${out}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${args.join(' ')} not ready within ${timeoutMs} ms:\n${out}`);
    }
    const ok = await fetch(readyUrl)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, readyMs: performance.now() - started, output: () => out, stop };
    await new Promise((r) => setTimeout(r, 10));
  }
}
