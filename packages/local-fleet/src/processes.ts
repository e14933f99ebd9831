import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The fleet's processes, each in its own process group so that a terminal's
// Ctrl-C reaches only the fleet, which stops them in order (and stopping one
// also stops any grandchild it started). An IPC channel ties each one's life
// to the fleet's: see exit-with-parent.ts.

const exitWithParent = fileURLToPath(
  new URL(`./exit-with-parent${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

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
      ['--conditions=@backups/source', '--import', 'tsx', '--import', exitWithParent, service.entry],
      {
        cwd: this.cwd,
        env: { ...process.env, ...service.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
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

  /** SIGKILL to every process group now (a second Ctrl-C: the user will not wait). */
  kill(): void {
    this.stopping = true;
    for (const child of this.children.values()) {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
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
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await Promise.all(waiting);
    clearTimeout(timer);
  }
}
