import {
  AttachVolumeCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  EC2Client,
  type Filter,
  StartInstancesCommand,
  StopInstancesCommand,
  type VolumeType,
} from './aws-sdk.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { Ec2CallCounter } from './call-counter.js';
import type {
  CreateVolumeInput,
  InstanceAttachments,
  InstanceInfo,
  SnapshotInfo,
  VolumeInfo,
} from './ec2.types.js';
import {
  classifyEc2Error,
  Ec2FailureError,
  Ec2NotFoundError,
  Ec2WaitError,
  ec2ErrorCode,
} from './ec2-errors.js';
import { chunk, instanceSkeleton, toSnapshotInfo, toVolumeInfo } from './ec2-parse.js';
import type { RateLimit, RedisRateLimiter } from './rate-limiter.js';
import { type Tags, toAwsTags } from './tags.js';

export interface Ec2AdapterOptions {
  region: string;
  /** Any EC2-compatible endpoint (the emulator); undefined means real AWS. */
  endpoint?: string | undefined;
  /** Explicit credentials; undefined means the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Fleet-wide limit on calls (Redis token bucket); undefined means no fleet limit (tests, CLI). */
  rateLimiter?: RedisRateLimiter | undefined;
  mutatingLimit?: RateLimit;
  describeLimit?: RateLimit;
  counter?: Ec2CallCounter;
  /** How often a throttled call is retried in place before the caller is told to come back later. */
  inPlaceRetries?: number;
  backoff?: { baseMs: number; capMs: number };
  requestTimeoutMs?: number;
}

/**
 * AWS refills mutating snapshot/volume buckets at 5/s and others at 5/s (StartInstances 2/s);
 * the default keeps the whole fleet below that, leaving room for other tools on the account.
 */
export const DEFAULT_MUTATING_LIMIT: RateLimit = { ratePerSec: 4, burst: 20 };
export const DEFAULT_DESCRIBE_LIMIT: RateLimit = { ratePerSec: 15, burst: 50 };

const DESCRIBE_BATCH = 200;
const VOLUME_TYPES_WITH_IOPS = new Set(['io1', 'io2', 'gp3']);

/**
 * The one door to EC2 for one region. Everything the domain needs, no more;
 * errors come out classified (Ec2WaitError / Ec2NotFoundError / Ec2FailureError).
 * It does not know whether it talks to AWS or to the emulator.
 */
export class Ec2Adapter {
  readonly region: string;
  readonly counter: Ec2CallCounter;
  private readonly client: EC2Client;
  private readonly opts: Required<
    Pick<Ec2AdapterOptions, 'inPlaceRetries' | 'backoff' | 'mutatingLimit' | 'describeLimit'>
  >;

  constructor(private readonly options: Ec2AdapterOptions) {
    this.region = options.region;
    this.counter = options.counter ?? new Ec2CallCounter();
    this.opts = {
      inPlaceRetries: options.inPlaceRetries ?? 2,
      backoff: options.backoff ?? { baseMs: 200, capMs: 5000 },
      mutatingLimit: options.mutatingLimit ?? DEFAULT_MUTATING_LIMIT,
      describeLimit: options.describeLimit ?? DEFAULT_DESCRIBE_LIMIT,
    };
    this.client = new EC2Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // The adapter retries itself so that every attempt is counted and draws from the
      // fleet's rate limit; SDK-internal retries would hide both.
      maxAttempts: 1,
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 5_000 },
    });
  }

  destroy(): void {
    this.client.destroy();
  }

  // ---- instances ------------------------------------------------------------

  /** Instances with their data volumes (boot volume excluded) in full detail. */
  async describeInstances(instanceIds: readonly string[]): Promise<InstanceInfo[]> {
    const skeletons = await this.instanceSkeletons(instanceIds);
    const volumeIds = skeletons.flatMap((s) => [...s.data.keys()]);
    const volumes = new Map((await this.describeVolumes(volumeIds)).map((v) => [v.volumeId, v]));
    return skeletons.map(({ info, data }) => ({
      ...info,
      dataVolumes: [...data.entries()].flatMap(([volumeId, device]) => {
        const v = volumes.get(volumeId);
        return v ? [{ ...v, device }] : [];
      }),
    }));
  }

  /** Instances with the ids and devices of their data volumes only: one call, no DescribeVolumes. */
  async instanceAttachments(instanceIds: readonly string[]): Promise<InstanceAttachments[]> {
    return (await this.instanceSkeletons(instanceIds)).map(({ info, data }) => ({
      ...info,
      dataVolumes: [...data.entries()].map(([volumeId, device]) => ({ volumeId, device })),
    }));
  }

  /** Instance id → state name (`stopped`, `running`, ...); unknown instances are absent. */
  async instanceStates(instanceIds: readonly string[]): Promise<Map<string, string>> {
    return new Map(
      (await this.instanceSkeletons(instanceIds)).map(({ info }) => [info.instanceId, info.state]),
    );
  }

  async stopInstances(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.call('StopInstances', true, () =>
      this.client.send(new StopInstancesCommand({ InstanceIds: [...instanceIds] })),
    );
  }

  async startInstances(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    await this.call('StartInstances', true, () =>
      this.client.send(new StartInstancesCommand({ InstanceIds: [...instanceIds] })),
    );
  }

  // ---- snapshots ------------------------------------------------------------

  /**
   * One crash-consistent CreateSnapshots for an instance's data volumes (boot volume
   * excluded; `excludeDataVolumeIds` are the data volumes the backup does not cover),
   * every snapshot tagged at creation. Not idempotent: look up by tag first.
   */
  async createSnapshots(input: {
    instanceId: string;
    excludeDataVolumeIds: readonly string[];
    description: string;
    tags: Tags;
  }): Promise<SnapshotInfo[]> {
    const out = await this.call('CreateSnapshots', true, () =>
      this.client.send(
        new CreateSnapshotsCommand({
          InstanceSpecification: {
            InstanceId: input.instanceId,
            ExcludeBootVolume: true,
            ...(input.excludeDataVolumeIds.length
              ? { ExcludeDataVolumeIds: [...input.excludeDataVolumeIds] }
              : {}),
          },
          Description: input.description,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: toAwsTags(input.tags) }],
        }),
      ),
    );
    return (out.Snapshots ?? []).map(toSnapshotInfo);
  }

  /** Our snapshots carrying tag `key` = `value` (e.g. `backups:backup` = id), in one paginated query. */
  async findSnapshotsByTag(key: string, value: string): Promise<SnapshotInfo[]> {
    return this.describeSnapshotsWhere([{ Name: `tag:${key}`, Values: [value] }]);
  }

  /** Many snapshots in as few calls as possible; ids EC2 no longer knows are simply absent. */
  async describeSnapshots(snapshotIds: readonly string[]): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const ids of chunk(snapshotIds, DESCRIBE_BATCH))
      out.push(...(await this.describeSnapshotBatch(ids)));
    return out;
  }

  /** Deletes a snapshot; returns false when it was already gone (which is fine). */
  async deleteSnapshot(snapshotId: string): Promise<boolean> {
    try {
      await this.call('DeleteSnapshot', true, () =>
        this.client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })),
      );
      return true;
    } catch (err) {
      if (err instanceof Ec2NotFoundError) return false;
      throw err;
    }
  }

  // ---- volumes --------------------------------------------------------------

  /** Creates a volume from a snapshot; the client token makes a retried call return the same volume. */
  async createVolume(input: CreateVolumeInput): Promise<VolumeInfo> {
    const withIops = VOLUME_TYPES_WITH_IOPS.has(input.volumeType) && input.iops !== null;
    const withThroughput = input.volumeType === 'gp3' && input.throughput !== null;
    const out = await this.call('CreateVolume', true, () =>
      this.client.send(
        new CreateVolumeCommand({
          AvailabilityZone: input.availabilityZone,
          SnapshotId: input.snapshotId,
          VolumeType: input.volumeType as VolumeType,
          Size: input.sizeGiB,
          ...(withIops ? { Iops: input.iops ?? undefined } : {}),
          ...(withThroughput ? { Throughput: input.throughput ?? undefined } : {}),
          Encrypted: input.encrypted,
          ...(input.encrypted && input.kmsKeyId ? { KmsKeyId: input.kmsKeyId } : {}),
          ClientToken: input.clientToken,
          TagSpecifications: [{ ResourceType: 'volume', Tags: toAwsTags(input.tags) }],
        }),
      ),
    );
    return toVolumeInfo(out);
  }

  /** Volumes by id; ids EC2 does not know are simply absent. */
  async describeVolumes(volumeIds: readonly string[]): Promise<VolumeInfo[]> {
    const out: VolumeInfo[] = [];
    for (const ids of chunk(volumeIds, DESCRIBE_BATCH)) out.push(...(await this.describeVolumeBatch(ids)));
    return out;
  }

  async findVolumesByTag(key: string, value: string): Promise<VolumeInfo[]> {
    const out: VolumeInfo[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('DescribeVolumes', false, () =>
        this.client.send(
          new DescribeVolumesCommand({
            Filters: [{ Name: `tag:${key}`, Values: [value] }],
            NextToken: nextToken,
          }),
        ),
      );
      out.push(...(page.Volumes ?? []).map(toVolumeInfo));
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }

  /** Detaches a volume from an instance (always naming the instance, so a stale plan cannot detach it elsewhere). */
  async detachVolume(input: { volumeId: string; instanceId: string; device: string }): Promise<void> {
    await this.call('DetachVolume', true, () =>
      this.client.send(
        new DetachVolumeCommand({
          VolumeId: input.volumeId,
          InstanceId: input.instanceId,
          Device: input.device,
        }),
      ),
    );
  }

  async attachVolume(input: { volumeId: string; instanceId: string; device: string }): Promise<void> {
    await this.call('AttachVolume', true, () =>
      this.client.send(
        new AttachVolumeCommand({
          VolumeId: input.volumeId,
          InstanceId: input.instanceId,
          Device: input.device,
        }),
      ),
    );
  }

  /** Deletes a volume; returns false when it was already gone. */
  async deleteVolume(volumeId: string): Promise<boolean> {
    try {
      await this.call('DeleteVolume', true, () =>
        this.client.send(new DeleteVolumeCommand({ VolumeId: volumeId })),
      );
      return true;
    } catch (err) {
      if (err instanceof Ec2NotFoundError) return false;
      throw err;
    }
  }

  async createTags(resourceIds: readonly string[], tags: Tags): Promise<void> {
    if (resourceIds.length === 0) return;
    await this.call('CreateTags', true, () =>
      this.client.send(new CreateTagsCommand({ Resources: [...resourceIds], Tags: toAwsTags(tags) })),
    );
  }

  // ---- plumbing -------------------------------------------------------------

  private async instanceSkeletons(
    instanceIds: readonly string[],
  ): Promise<ReturnType<typeof instanceSkeleton>[]> {
    const skeletons: ReturnType<typeof instanceSkeleton>[] = [];
    for (const ids of chunk(instanceIds, DESCRIBE_BATCH)) {
      let nextToken: string | undefined;
      do {
        const out = await this.call('DescribeInstances', false, () =>
          this.client.send(new DescribeInstancesCommand({ InstanceIds: ids, NextToken: nextToken })),
        );
        for (const r of out.Reservations ?? [])
          for (const i of r.Instances ?? []) skeletons.push(instanceSkeleton(i));
        nextToken = out.NextToken;
      } while (nextToken);
    }
    return skeletons;
  }

  private async describeSnapshotsWhere(filters: Filter[]): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call('DescribeSnapshots', false, () =>
        this.client.send(
          new DescribeSnapshotsCommand({
            OwnerIds: ['self'],
            Filters: filters,
            MaxResults: 1000,
            NextToken: nextToken,
          }),
        ),
      );
      out.push(...(page.Snapshots ?? []).map(toSnapshotInfo));
      nextToken = page.NextToken;
    } while (nextToken);
    return out;
  }

  private describeSnapshotBatch(ids: readonly string[]): Promise<SnapshotInfo[]> {
    return describeSkippingUnknown(ids, async (batch) => {
      const page = await this.call('DescribeSnapshots', false, () =>
        this.client.send(new DescribeSnapshotsCommand({ SnapshotIds: batch })),
      );
      return (page.Snapshots ?? []).map(toSnapshotInfo);
    });
  }

  private describeVolumeBatch(ids: readonly string[]): Promise<VolumeInfo[]> {
    return describeSkippingUnknown(ids, async (batch) => {
      const page = await this.call('DescribeVolumes', false, () =>
        this.client.send(new DescribeVolumesCommand({ VolumeIds: batch })),
      );
      return (page.Volumes ?? []).map(toVolumeInfo);
    });
  }

  /**
   * One EC2 call: waits for a fleet-wide token, counts the outcome, retries
   * throttling in place a few times with jitter, then hands the wait to the caller
   * (Ec2WaitError) so a long throttle storm does not pin a worker slot.
   */
  private async call<T>(action: string, mutating: boolean, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.options.rateLimiter) {
        await this.options.rateLimiter
          .take(
            `${this.region}:${mutating ? 'mutating' : 'describe'}`,
            mutating ? this.opts.mutatingLimit : this.opts.describeLimit,
          )
          .catch((err: unknown) => {
            // The fleet's own budget is spent: not an EC2 call, so not counted; name the action for the logs.
            if (err instanceof Ec2WaitError) throw new Ec2WaitError(action, err.code, err.retryAfterMs);
            throw err;
          });
      }
      try {
        const result = await send();
        this.counter.record(action, 'ok');
        return result;
      } catch (err) {
        const kind = classifyEc2Error(err);
        const code = ec2ErrorCode(err);
        const message = err instanceof Error ? err.message : String(err);
        if (kind === 'not_found') {
          this.counter.record(action, 'not_found');
          throw new Ec2NotFoundError(action, code, message, { cause: err });
        }
        if (kind === 'failure') {
          this.counter.record(action, 'error');
          throw new Ec2FailureError(action, code, message, { cause: err });
        }
        this.counter.record(action, 'throttled');
        if (attempt >= this.opts.inPlaceRetries) {
          throw new Ec2WaitError(action, code, backoffDelayMs(attempt + 1, this.opts.backoff), {
            cause: err,
          });
        }
        await sleep(backoffDelayMs(attempt, this.opts.backoff));
      }
    }
  }
}

// EC2 rejects a whole DescribeSnapshots/DescribeVolumes naming one unknown id
// (`InvalidSnapshot.NotFound`). Rather than one call per id, split the batch in
// halves until the unknown ids are isolated: about log2(n) extra calls per gone id.
async function describeSkippingUnknown<T>(
  ids: readonly string[],
  describe: (batch: string[]) => Promise<T[]>,
): Promise<T[]> {
  if (ids.length === 0) return [];
  try {
    return await describe([...ids]);
  } catch (err) {
    if (!(err instanceof Ec2NotFoundError)) throw err;
    if (ids.length === 1) return [];
    const mid = Math.ceil(ids.length / 2);
    return [
      ...(await describeSkippingUnknown(ids.slice(0, mid), describe)),
      ...(await describeSkippingUnknown(ids.slice(mid), describe)),
    ];
  }
}
