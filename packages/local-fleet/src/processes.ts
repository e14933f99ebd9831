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
  private readonly services = new Map<string, Service>();
  /** Services killed on purpose (killService): their exit is not reported as unexpected. */
  private readonly killed = new Set<string>();
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
    this.services.set(service.name, service);
    const pad = service.name.padEnd(11);
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.out(`${pad}│ ${line}`));
    }
    child.once('exit', (code) => {
      this.children.delete(service.name);
      if (this.killed.delete(service.name)) return;
      if (!this.stopping) this.onUnexpectedExit(service.name, code);
    });
  }

  /** The names of the services running now. */
  running(): string[] {
    return [...this.children.keys()];
  }

  /**
   * SIGKILL one service's process group, as a crash would (the chaos soak);
   * resolves once it has exited. Its exit is not reported as unexpected.
   */
  async killService(name: string): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    this.killed.add(name);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }

  /** Starts a service that is not running again, with the command and environment it first had. */
  restart(name: string): void {
    const service = this.services.get(name);
    if (!service) throw new Error(`the fleet has no service named ${name}`);
    if (this.children.has(name)) throw new Error(`${name} is still running`);
    this.start(service);
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
