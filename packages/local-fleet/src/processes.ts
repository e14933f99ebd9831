import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// The fleet's processes, each in its own process group so that stopping one
// also stops any grandchild (a tsx loader, say) it started.

export interface Service {
  name: string;
  entry: string;
  env: Record<string, string>;
}

export class Fleet {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly cwd: string,
    private readonly out: (line: string) => void,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
  ) {}

  start(service: Service): void {
    const child = spawn(
      process.execPath,
      ['--conditions=@backups/source', '--import', 'tsx', service.entry],
      {
        cwd: this.cwd,
        env: { ...process.env, ...service.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    this.children.set(service.name, child);
    const pad = service.name.padEnd(11);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.out(`${pad}│ ${line}`));
    }
    child.once('exit', (code) => {
      this.children.delete(service.name);
      if (!this.stopping) this.onUnexpectedExit(service.name, code);
    });
  }

  /** SIGTERM to every process group; SIGKILL whatever is left after the timeout. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    const waiting = [...this.children.entries()].map(
      ([, child]) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          try {
            if (child.pid) process.kill(-child.pid, 'SIGTERM');
          } catch {
            resolve();
          }
        }),
    );
    const timer = setTimeout(() => {
      for (const child of this.children.values()) {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    await Promise.all(waiting);
    clearTimeout(timer);
  }
}
