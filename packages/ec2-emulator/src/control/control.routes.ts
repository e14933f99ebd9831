import type { ConfigureInput, Ec2Emulator } from '../emulator.js';
import { Ec2Error } from '../protocol/errors.js';
import type { FaultSpec, LatencySpec } from './faults.js';

/** JSON endpoints under `/_emulator/`, outside the EC2 API, for tests and demos. */
export const CONTROL_PREFIX = '/_emulator';

export interface ControlResponse {
  status: number;
  json: unknown;
}

type Route = (emulator: Ec2Emulator, body: Record<string, unknown>) => unknown;

function str(body: Record<string, unknown>, key: string, required: true): string;
function str(body: Record<string, unknown>, key: string, required?: false): string | undefined;
function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = body[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') throw new TypeError(`'${key}' must be a non-empty string`);
  return value;
}

function num(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`'${key}' must be a number`);
  return value;
}

const ROUTES: Record<string, Route> = {
  'GET /health': () => ({ ok: true }),
  'POST /faults': (emulator, body) => {
    const fault: FaultSpec = {
      action: str(body, 'action', true),
      code: str(body, 'code', true),
      count: num(body, 'count') ?? 1,
    };
    const message = str(body, 'message');
    const status = num(body, 'status');
    if (message !== undefined) fault.message = message;
    if (status !== undefined) fault.status = status;
    emulator.faults.inject(fault);
    return { ok: true };
  },
  'GET /faults': (emulator) => emulator.faults.pending(),
  'POST /fail-resource': (emulator, body) => {
    emulator.failResource(str(body, 'id', true), str(body, 'message'));
    return { ok: true };
  },
  'POST /latency': (emulator, body) => {
    const ms = num(body, 'ms');
    if (ms === undefined) throw new TypeError(`'ms' is required`);
    const spec: LatencySpec = { ms };
    const action = str(body, 'action');
    if (action !== undefined) spec.action = action;
    emulator.faults.setLatency(spec);
    return { ok: true };
  },
  'GET /calls': (emulator) => emulator.counters.snapshot(),
  'GET /state': (emulator) => emulator.state(),
  'POST /reset': (emulator) => {
    emulator.reset();
    return { ok: true };
  },
  'GET /config': (emulator) => emulator.settings,
  'POST /config': (emulator, body) => {
    emulator.configure(body as ConfigureInput);
    return emulator.settings;
  },
};

export function handleControl(
  emulator: Ec2Emulator,
  method: string,
  path: string,
  rawBody: string,
): ControlResponse {
  const route = ROUTES[`${method} ${path.slice(CONTROL_PREFIX.length)}`];
  if (!route) return { status: 404, json: { error: `No control route ${method} ${path}` } };
  try {
    const parsed: unknown = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TypeError('The body must be a JSON object');
    }
    return { status: 200, json: route(emulator, parsed as Record<string, unknown>) ?? { ok: true } };
  } catch (error) {
    if (error instanceof Ec2Error) {
      return {
        status: error.code.endsWith('NotFound') ? 404 : 400,
        json: { error: error.message, code: error.code },
      };
    }
    return { status: 400, json: { error: error instanceof Error ? error.message : String(error) } };
  }
}
