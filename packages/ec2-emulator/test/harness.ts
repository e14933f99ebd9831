import {
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  EC2Client,
  TerminateInstancesCommand,
  waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll } from 'vitest';
import {
  type Ec2EmulatorControl,
  type RunningEc2Emulator,
  type StartEc2EmulatorOptions,
  startEc2Emulator,
} from '../src/index.js';

/**
 * The conformance suite runs against the emulator by default. With `EC2_CONFORMANCE_AWS=1` and
 * AWS credentials in the environment it targets real EC2 instead, and emulator-only steps
 * (fault injection, counters, state, time scale) are skipped.
 */
export const AGAINST_AWS =
  process.env.EC2_CONFORMANCE_AWS === '1' &&
  Boolean(
    process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE,
  );

export interface Target {
  client: EC2Client;
  region: string;
  /** `${region}a` */
  az: string;
  otherAz: string;
  /** Undefined against AWS. */
  emulator: RunningEc2Emulator | undefined;
  control: Ec2EmulatorControl;
  /** A client with SDK retries off, to observe raw errors. */
  noRetryClient: EC2Client;
  waiter: { client: EC2Client; maxWaitTime: number; minDelay: number; maxDelay: number };
}

/** Starts one emulator for the calling test file (random port) and stops it afterwards. */
export function useTarget(options: StartEc2EmulatorOptions = {}): Target {
  const target = {} as Target;
  beforeAll(async () => {
    const region = AGAINST_AWS ? (process.env.AWS_REGION ?? 'us-west-1') : (options.region ?? 'us-west-1');
    const emulator = AGAINST_AWS
      ? undefined
      : await startEc2Emulator({ port: 0, host: '127.0.0.1', region, timeScale: 0.0001, ...options });
    const clientConfig = {
      region,
      ...(emulator
        ? { endpoint: emulator.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
        : {}),
    };
    const client = new EC2Client(clientConfig);
    if (AGAINST_AWS) trackCreatedResources(client);
    Object.assign(target, {
      client,
      region,
      az: `${region}a`,
      otherAz: `${region}b`,
      emulator,
      control: emulator?.control,
      noRetryClient: new EC2Client({ ...clientConfig, maxAttempts: 1 }),
      waiter: AGAINST_AWS
        ? { client, maxWaitTime: 900, minDelay: 5, maxDelay: 15 }
        : { client, maxWaitTime: 10, minDelay: 0.005, maxDelay: 0.05 },
    });
  });
  afterAll(async () => {
    if (AGAINST_AWS && target.client) await cleanUpAws(target.client);
    target.client?.destroy();
    target.noRetryClient?.destroy();
    await target.emulator?.stop();
  });
  return target;
}

/** Runs the given promise and returns the SDK error it rejects with. */
export async function sdkError(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
}> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      attempts: e.$metadata?.attempts,
    };
  }
  throw new Error('expected the call to fail, it succeeded');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, for transitions without an SDK waiter. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = AGAINST_AWS ? 900_000 : 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(AGAINST_AWS ? 5_000 : 5);
  }
}

/** Against AWS, every instance, volume and snapshot a test file made is removed afterwards. */
const created = { instances: new Set<string>(), volumes: new Set<string>(), snapshots: new Set<string>() };

function trackCreatedResources(client: EC2Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as {
        Instances?: { InstanceId?: string }[];
        VolumeId?: string;
        SnapshotId?: string;
        Snapshots?: { SnapshotId?: string }[];
      };
      switch (context.commandName) {
        case 'RunInstancesCommand':
          for (const { InstanceId } of output.Instances ?? [])
            if (InstanceId) created.instances.add(InstanceId);
          break;
        case 'CreateVolumeCommand':
          if (output.VolumeId) created.volumes.add(output.VolumeId);
          break;
        case 'CreateSnapshotCommand':
          if (output.SnapshotId) created.snapshots.add(output.SnapshotId);
          break;
        case 'CreateSnapshotsCommand':
          for (const { SnapshotId } of output.Snapshots ?? [])
            if (SnapshotId) created.snapshots.add(SnapshotId);
          break;
      }
      return result;
    },
    { step: 'initialize', name: 'conformanceResourceTracker' },
  );
}

async function cleanUpAws(client: EC2Client): Promise<void> {
  const ignore = () => undefined;
  const instanceIds = [...created.instances];
  if (instanceIds.length > 0) {
    await client.send(new TerminateInstancesCommand({ InstanceIds: instanceIds })).catch(ignore);
    await waitUntilInstanceTerminated({ client, maxWaitTime: 900 }, { InstanceIds: instanceIds }).catch(
      ignore,
    );
  }
  for (const volumeId of created.volumes)
    await client.send(new DeleteVolumeCommand({ VolumeId: volumeId })).catch(ignore);
  for (const snapshotId of created.snapshots) {
    await client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })).catch(ignore);
  }
}

/** Against AWS, RunInstances needs a real AMI of the region: `EC2_CONFORMANCE_IMAGE_ID`. */
export const seedDefaults: { imageId?: string } =
  AGAINST_AWS && process.env.EC2_CONFORMANCE_IMAGE_ID
    ? { imageId: process.env.EC2_CONFORMANCE_IMAGE_ID }
    : {};
