import type { Limits, Timings } from '../domain/limits.js';
import type { ScaledClock } from '../domain/scaled-clock.js';
import type { Ec2Store } from '../domain/store.js';
import type { Throttler } from '../domain/throttling.js';
import type { QueryParams } from '../protocol/query-protocol.js';
import type { XmlObject } from '../protocol/xml.js';

export const ACCOUNT_ID = '123456789012';

export interface ActionContext {
  readonly store: Ec2Store;
  /** Virtual now, fixed for the whole request. */
  readonly now: number;
  readonly clock: ScaledClock;
  readonly limits: Limits;
  readonly timings: Timings;
  readonly region: string;
  readonly accountId: string;
  readonly throttler: Throttler;
}

export type ActionHandler = (ctx: ActionContext, params: QueryParams) => XmlObject;

export function availabilityZones(region: string): string[] {
  return [`${region}a`, `${region}b`, `${region}c`];
}
