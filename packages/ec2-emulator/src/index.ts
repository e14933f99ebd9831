export { ACCOUNT_ID, availabilityZones } from './actions/action-context.js';
export type { EmulatorConfig } from './control/control.client.js';
export { Ec2EmulatorControl } from './control/control.client.js';
export type { CallStats, FaultSpec, LatencySpec } from './control/faults.js';
export type { EmulatorState, InstanceView, SnapshotView, VolumeView } from './control/state-view.js';
export {
  AWS_REQUEST_BUCKETS,
  AWS_RESOURCE_BUCKETS,
  DEFAULT_LIMITS,
  DEFAULT_TIMINGS,
  type Limits,
  type LimitsInput,
  type Timings,
} from './domain/limits.js';
export type { BucketSpec } from './domain/token-bucket.js';
export { type ConfigureInput, Ec2Emulator, type EmulatorSettings, SUPPORTED_ACTIONS } from './emulator.js';
export { type SeedDataVolume, type SeededInstance, type SeedInstanceInput, seedInstance } from './seed.js';
export { type RunningEc2Emulator, type StartEc2EmulatorOptions, startEc2Emulator } from './server.js';
