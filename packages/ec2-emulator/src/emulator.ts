import { setTimeout as sleep } from 'node:timers/promises';
import { ACCOUNT_ID, type ActionContext, type ActionHandler } from './actions/action-context.js';
import { instanceActions } from './actions/instances.actions.js';
import { snapshotActions } from './actions/snapshots.actions.js';
import { tagActions } from './actions/tags.actions.js';
import { volumeActions } from './actions/volumes.actions.js';
import { CallCounters, FaultInjector } from './control/faults.js';
import { type EmulatorState, stateView } from './control/state-view.js';
import { newRequestId } from './domain/ids.js';
import {
  DEFAULT_TIMINGS,
  type Limits,
  type LimitsInput,
  resolveLimits,
  type Timings,
} from './domain/limits.js';
import { ScaledClock } from './domain/scaled-clock.js';
import { Ec2Store } from './domain/store.js';
import { Throttler } from './domain/throttling.js';
import { Ec2Error } from './protocol/errors.js';
import { QueryParams } from './protocol/query-protocol.js';
import { renderError, renderResponse } from './protocol/xml.js';

const HANDLERS: Record<string, ActionHandler> = {
  ...instanceActions,
  ...volumeActions,
  ...snapshotActions,
  ...tagActions,
};

export const SUPPORTED_ACTIONS: readonly string[] = Object.keys(HANDLERS);

export interface EmulatorSettings {
  region?: string;
  /** Wall-clock seconds per nominal second; 0.001 runs a 15-minute snapshot in 0.9 s. Default 1. */
  timeScale?: number;
  /** Partial overrides of AWS's limits, or `false` to turn every limit off. */
  limits?: LimitsInput;
  /** Partial overrides of the nominal transition durations. */
  timings?: Partial<Timings>;
}

export interface ConfigureInput {
  timeScale?: number;
  limits?: LimitsInput;
  timings?: Partial<Timings>;
}

export interface QueryResult {
  status: number;
  body: string;
  requestId: string;
}

/** The EC2 model behind the HTTP server: one account, one region. */
export class Ec2Emulator {
  readonly region: string;
  readonly store = new Ec2Store();
  readonly faults = new FaultInjector();
  readonly counters = new CallCounters();
  readonly clock: ScaledClock;
  private limits: Limits;
  private timings: Timings;
  private readonly throttler: Throttler;
  private readonly stopping = new AbortController();

  constructor(settings: EmulatorSettings = {}) {
    this.region = settings.region ?? 'us-east-1';
    this.clock = new ScaledClock(settings.timeScale ?? 1);
    this.limits = resolveLimits(settings.limits);
    this.timings = { ...DEFAULT_TIMINGS, ...settings.timings };
    this.throttler = new Throttler(this.limits);
  }

  get settings(): { region: string; timeScale: number; limits: Limits; timings: Timings } {
    return {
      region: this.region,
      timeScale: this.clock.timeScale,
      limits: this.limits,
      timings: this.timings,
    };
  }

  async handleQuery(body: string): Promise<QueryResult> {
    const requestId = newRequestId();
    let action = 'Unknown';
    try {
      const params = QueryParams.parse(body);
      action = params.string('Action') ?? 'Unknown';
      const latency = this.faults.latencyFor(action);
      if (latency > 0)
        await sleep(latency, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      const xml = this.dispatch(action, params, requestId);
      this.counters.record(action);
      return { status: 200, body: xml, requestId };
    } catch (error) {
      const ec2Error =
        error instanceof Ec2Error
          ? error
          : new Ec2Error('InternalError', 'An internal error has occurred', 500);
      if (!(error instanceof Ec2Error)) console.error('[ec2-emulator] unexpected error', error);
      this.counters.record(action, ec2Error.code);
      return {
        status: ec2Error.status,
        body: renderError(ec2Error.code, ec2Error.message, requestId),
        requestId,
      };
    }
  }

  private dispatch(action: string, params: QueryParams, requestId: string): string {
    if (action === 'Unknown')
      throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
    const fault = this.faults.take(action);
    if (fault) throw new Ec2Error(fault.code, fault.message ?? `Injected fault: ${fault.code}`, fault.status);
    const handler = HANDLERS[action];
    if (!handler)
      throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
    const now = this.clock.now();
    const unfiltered = !['InstanceId', 'VolumeId', 'SnapshotId', 'Filter', 'MaxResults', 'NextToken'].some(
      (name) => params.has(name),
    );
    if (!this.throttler.tryRequest(action, unfiltered, now)) {
      throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
    }
    this.store.settle(now, this.timings, (virtual) => this.clock.toDate(virtual));
    const ctx = this.context(now);
    if (params.bool('DryRun') === true) {
      throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
    }
    return renderResponse(action, requestId, handler(ctx, params));
  }

  private context(now: number): ActionContext {
    return {
      store: this.store,
      now,
      clock: this.clock,
      limits: this.limits,
      timings: this.timings,
      region: this.region,
      accountId: ACCOUNT_ID,
      throttler: this.throttler,
    };
  }

  /** A snapshot goes to `error` with `StateMessage`; a volume goes to `error`. */
  failResource(id: string, message?: string): void {
    const now = this.clock.now();
    this.store.settle(now, this.timings, (virtual) => this.clock.toDate(virtual));
    if (id.startsWith('snap-')) {
      const snapshot = this.store.snapshot(id);
      snapshot.state = 'error';
      snapshot.errorAt = now;
      snapshot.stateMessage = message ?? 'Snapshot failed (fault injected by the emulator)';
      return;
    }
    if (id.startsWith('vol-')) {
      this.store.volume(id).state = 'error';
      return;
    }
    throw new Ec2Error('InvalidID', `Only snapshots and volumes can be failed, got '${id}'`);
  }

  state(): EmulatorState {
    const now = this.clock.now();
    this.store.settle(now, this.timings, (virtual) => this.clock.toDate(virtual));
    return stateView(this.store, now);
  }

  reset(): void {
    this.store.clear();
    this.faults.clear();
    this.counters.clear();
    this.throttler.setLimits(this.limits);
  }

  configure(input: ConfigureInput): void {
    if (input.timeScale !== undefined) {
      // Settle first so transitions already due keep their timestamps under the old scale.
      this.store.settle(this.clock.now(), this.timings, (virtual) => this.clock.toDate(virtual));
      this.clock.setTimeScale(input.timeScale);
    }
    if (input.limits !== undefined) {
      this.limits = resolveLimits(input.limits, input.limits === false ? undefined : this.limits);
      this.throttler.setLimits(this.limits);
    }
    if (input.timings !== undefined) this.timings = { ...this.timings, ...input.timings };
  }

  /** Ends pending injected-latency sleeps so the server can close at once. */
  stop(): void {
    this.stopping.abort();
  }
}
