import {
  AWS_REQUEST_BUCKETS,
  AWS_RESOURCE_BUCKETS,
  type Limits,
  MUTATING_BUCKET,
  NON_MUTATING_BUCKET,
  UNFILTERED_DESCRIBE_ACTIONS,
  UNFILTERED_DESCRIBE_BUCKET,
} from './limits.js';
import { type BucketSpec, TokenBucket } from './token-bucket.js';

const NON_MUTATING_PREFIXES = ['Describe', 'List', 'Get', 'Search'];

export function requestBucketSpec(action: string, unfilteredDescribe: boolean, limits: Limits): BucketSpec {
  const key = unfilteredDescribe && UNFILTERED_DESCRIBE_ACTIONS.has(action) ? `${action}:unfiltered` : action;
  const override = limits.buckets[key];
  if (override) return override;
  if (key.endsWith(':unfiltered')) return UNFILTERED_DESCRIBE_BUCKET;
  const listed = AWS_REQUEST_BUCKETS[action];
  if (listed) return listed;
  return NON_MUTATING_PREFIXES.some((prefix) => action.startsWith(prefix))
    ? NON_MUTATING_BUCKET
    : MUTATING_BUCKET;
}

/** Request and resource token buckets, created lazily per action. */
export class Throttler {
  private readonly requestBuckets = new Map<string, TokenBucket>();
  private readonly resourceBuckets = new Map<string, TokenBucket>();

  constructor(private limits: Limits) {}

  setLimits(limits: Limits): void {
    this.limits = limits;
    this.requestBuckets.clear();
    this.resourceBuckets.clear();
  }

  tryRequest(action: string, unfilteredDescribe: boolean, now: number): boolean {
    if (!this.limits.throttling) return true;
    const spec = requestBucketSpec(action, unfilteredDescribe, this.limits);
    const key =
      unfilteredDescribe && UNFILTERED_DESCRIBE_ACTIONS.has(action) ? `${action}:unfiltered` : action;
    return this.bucket(this.requestBuckets, key, spec, now).tryTake(now);
  }

  /** RunInstances/StartInstances/StopInstances also spend one resource token per instance. */
  tryResources(action: string, count: number, now: number): boolean {
    if (!this.limits.throttling) return true;
    const spec = this.limits.buckets[`${action}:resource`] ?? AWS_RESOURCE_BUCKETS[action];
    if (!spec) return true;
    return this.bucket(this.resourceBuckets, action, spec, now).tryTake(now, count);
  }

  private bucket(buckets: Map<string, TokenBucket>, key: string, spec: BucketSpec, now: number): TokenBucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(spec, now);
      buckets.set(key, bucket);
    }
    return bucket;
  }
}
