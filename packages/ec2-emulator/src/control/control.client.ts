import type { Limits, Timings } from '../domain/limits.js';
import type { ConfigureInput } from '../emulator.js';
import type { CallStats, FaultSpec, LatencySpec } from './faults.js';
import type { EmulatorState } from './state-view.js';

export interface EmulatorConfig {
  region: string;
  timeScale: number;
  limits: Limits;
  timings: Timings;
}

/** Drives an emulator over HTTP, in this process or another one. */
export class Ec2EmulatorControl {
  private readonly base: string;

  constructor(endpoint: string) {
    this.base = endpoint.replace(/\/+$/, '');
  }

  /** The next `count` calls of `action` fail with `code` (HTTP status from EC2's conventions unless given). */
  injectFault(fault: FaultSpec): Promise<void> {
    return this.post('/faults', fault).then(() => undefined);
  }

  /** A snapshot goes to `error` (with `message` as StateMessage); a volume goes to `error`. */
  failResource(input: { id: string; message?: string }): Promise<void> {
    return this.post('/fail-resource', input).then(() => undefined);
  }

  /** Real (unscaled) milliseconds added before answering `action`, or every action. */
  setLatency(input: LatencySpec): Promise<void> {
    return this.post('/latency', input).then(() => undefined);
  }

  calls(): Promise<Record<string, CallStats>> {
    return this.get('/calls') as Promise<Record<string, CallStats>>;
  }

  state(): Promise<EmulatorState> {
    return this.get('/state') as Promise<EmulatorState>;
  }

  reset(): Promise<void> {
    return this.post('/reset', {}).then(() => undefined);
  }

  configure(input: ConfigureInput): Promise<EmulatorConfig> {
    return this.post('/config', input) as Promise<EmulatorConfig>;
  }

  config(): Promise<EmulatorConfig> {
    return this.get('/config') as Promise<EmulatorConfig>;
  }

  private get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(`${this.base}/_emulator${path}`, init);
    const text = await response.text();
    if (!response.ok)
      throw new Error(`EC2 emulator control ${method} ${path} failed (${response.status}): ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }
}
