export { backoffDelayMs, sleep } from './backoff.js';
export { type Ec2CallCount, Ec2CallCounter, type Ec2CallOutcome } from './call-counter.js';
export {
  DEFAULT_DESCRIBE_LIMIT,
  DEFAULT_MUTATING_LIMIT,
  Ec2Adapter,
  type Ec2AdapterOptions,
} from './ec2.adapter.js';
export type * from './ec2.types.js';
export {
  classifyEc2Error,
  type Ec2ErrorClass,
  Ec2FailureError,
  Ec2NotFoundError,
  Ec2WaitError,
  ec2ErrorCode,
} from './ec2-errors.js';
export { attachmentStateOn, chunk } from './ec2-parse.js';
export { Ec2Regions } from './ec2-regions.js';
export { type RateLimit, RedisRateLimiter } from './rate-limiter.js';
export * from './tags.js';
