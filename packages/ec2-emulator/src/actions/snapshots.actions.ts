import { assertKnownFilters, matchesFilters } from '../domain/filters.js';
import { newResourceId } from '../domain/ids.js';
import { snapshotDurationMs, snapshotProgress } from '../domain/lifecycle.js';
import type { SnapshotRecord, VolumeRecord } from '../domain/model.js';
import { Ec2Error, invalidParameterValue, missingParameter } from '../protocol/errors.js';
import { parseFilters, parseTagSpecifications } from '../protocol/query-protocol.js';
import { tagSet, type XmlObject } from '../protocol/xml.js';
import type { ActionContext, ActionHandler } from './action-context.js';
import { paginate } from './pagination.js';
import { renderSnapshot } from './render.js';
import { applyTags, tagsFor } from './tags.actions.js';

const SNAPSHOT_FILTERS = [
  'snapshot-id',
  'volume-id',
  'status',
  'owner-id',
  'description',
  'progress',
  'volume-size',
  'encrypted',
  'start-time',
];

/** EBS's snapshot limits, checked for every volume of a request before anything is created. */
function assertCanSnapshot(ctx: ActionContext, volumes: VolumeRecord[]): void {
  const { limits } = ctx;
  for (const volume of volumes) {
    if (volume.state !== 'available') {
      throw new Ec2Error('IncorrectState', `The volume '${volume.id}' is in the '${volume.state}' state.`);
    }
    if (
      limits.pendingSnapshotsPerVolume !== null &&
      ctx.store.pendingSnapshotsOf(volume.id) >= limits.pendingSnapshotsPerVolume
    ) {
      throw new Ec2Error(
        'ConcurrentSnapshotLimitExceeded',
        'Maximum allowed in-progress snapshots for a single volume exceeded.',
      );
    }
    const last = ctx.store.lastSnapshotAt.get(volume.id);
    if (
      limits.snapshotIntervalPerVolumeMs !== null &&
      last !== undefined &&
      ctx.now - last < limits.snapshotIntervalPerVolumeMs
    ) {
      throw new Ec2Error(
        'SnapshotCreationPerVolumeRateExceeded',
        'The maximum per volume CreateSnapshot request rate has been exceeded. Use an increasing or variable sleep interval between requests.',
      );
    }
  }
  if (
    limits.pendingSnapshotsPerRegion !== null &&
    ctx.store.pendingSnapshots() + volumes.length > limits.pendingSnapshotsPerRegion
  ) {
    throw new Ec2Error(
      'PendingSnapshotLimitExceeded',
      'The maximum allowed number of pending snapshots has been exceeded.',
    );
  }
}

function startSnapshot(
  ctx: ActionContext,
  volume: VolumeRecord,
  description: string,
  tags: Map<string, string>,
): SnapshotRecord {
  const snapshot: SnapshotRecord = {
    id: newResourceId('snap'),
    volumeId: volume.id,
    volumeSize: volume.size,
    description,
    state: 'pending',
    stateMessage: undefined,
    startedAt: ctx.now,
    durationMs: snapshotDurationMs(volume.size, ctx.timings),
    startTime: ctx.clock.toDate(ctx.now),
    completionTime: undefined,
    encrypted: volume.encrypted,
    kmsKeyId: volume.kmsKeyId,
    ownerId: ctx.accountId,
    tags,
    fullSizeBytes: volume.dataBytes,
  };
  ctx.store.snapshots.set(snapshot.id, snapshot);
  ctx.store.lastSnapshotAt.set(volume.id, ctx.now);
  return snapshot;
}

const createSnapshot: ActionHandler = (ctx, params) => {
  const volume = ctx.store.volume(params.requiredString('VolumeId'));
  const tags = tagsFor(parseTagSpecifications(params), 'snapshot', ['snapshot']);
  assertCanSnapshot(ctx, [volume]);
  return renderSnapshot(startSnapshot(ctx, volume, params.string('Description') ?? '', tags), ctx.now);
};

/** CreateSnapshots answers with `SnapshotInfo`, which names the state `state`, not `status`. */
function renderSnapshotInfo(snapshot: SnapshotRecord, now: number): XmlObject {
  return {
    snapshotId: snapshot.id,
    volumeId: snapshot.volumeId,
    state: snapshot.state,
    startTime: snapshot.startTime,
    progress: snapshotProgress(snapshot, now),
    ownerId: snapshot.ownerId,
    description: snapshot.description,
    volumeSize: snapshot.volumeSize,
    encrypted: snapshot.encrypted,
    tagSet: tagSet(snapshot.tags),
  };
}

const createSnapshots: ActionHandler = (ctx, params) => {
  const spec = params.child('InstanceSpecification');
  if (!spec) throw missingParameter('InstanceSpecification');
  const instance = ctx.store.instance(spec.requiredString('InstanceId'));
  const excludeBoot = spec.bool('ExcludeBootVolume') ?? false;
  const excluded = new Set(spec.strings('ExcludeDataVolumeId'));
  const attached = ctx.store
    .volumesOf(instance.id)
    .filter((volume) => volume.attachment?.state !== 'detaching');
  for (const id of excluded) {
    const volume = attached.find((candidate) => candidate.id === id);
    if (!volume) ctx.store.volume(id);
    if (!volume)
      throw invalidParameterValue(`The volume '${id}' is not attached to instance '${instance.id}'.`);
    if (volume.attachment?.device === instance.rootDeviceName) {
      throw invalidParameterValue(
        `The root volume '${id}' cannot be excluded with ExcludeDataVolumeIds; use ExcludeBootVolume instead.`,
      );
    }
  }
  const volumes = attached.filter(
    (volume) =>
      !excluded.has(volume.id) && !(excludeBoot && volume.attachment?.device === instance.rootDeviceName),
  );
  if (volumes.length === 0) {
    throw invalidParameterValue(`The instance '${instance.id}' has no volumes left to snapshot.`);
  }
  const copyTagsFromSource = params.string('CopyTagsFromSource');
  if (copyTagsFromSource !== undefined && copyTagsFromSource !== 'volume') {
    throw invalidParameterValue(`Value (${copyTagsFromSource}) for parameter CopyTagsFromSource is invalid.`);
  }
  const requestedTags = tagsFor(parseTagSpecifications(params), 'snapshot', ['snapshot']);
  assertCanSnapshot(ctx, volumes);

  const description = params.string('Description') ?? '';
  const snapshots = volumes.map((volume) => {
    // Tags copied from the volume first, so TagSpecifications win on a shared key.
    const tags = new Map<string, string>();
    if (copyTagsFromSource === 'volume') {
      for (const [key, value] of volume.tags) if (!key.startsWith('aws:')) tags.set(key, value);
    }
    applyTags(tags, requestedTags);
    return startSnapshot(ctx, volume, description, tags);
  });
  return { snapshotSet: snapshots.map((snapshot) => renderSnapshotInfo(snapshot, ctx.now)) };
};

const describeSnapshots: ActionHandler = (ctx, params) => {
  const ids = params.strings('SnapshotId');
  const maxResults = params.int('MaxResults');
  if (ids.length > 0 && (maxResults !== undefined || params.has('NextToken'))) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'The parameter SnapshotIds cannot be used with the parameter MaxResults',
    );
  }
  const owners = params.strings('Owner');
  const filters = parseFilters(params);
  assertKnownFilters(filters, SNAPSHOT_FILTERS);
  const ownedBySelf =
    owners.length === 0 || owners.some((owner) => owner === 'self' || owner === ctx.accountId);
  const candidates =
    ids.length > 0 ? ids.map((id) => ctx.store.snapshot(id)) : [...ctx.store.snapshots.values()];
  const matching = !ownedBySelf
    ? []
    : candidates.filter((snapshot) =>
        matchesFilters(
          filters,
          {
            'snapshot-id': () => [snapshot.id],
            'volume-id': () => [snapshot.volumeId],
            status: () => [snapshot.state],
            'owner-id': () => [snapshot.ownerId],
            description: () => [snapshot.description],
            progress: () => [snapshotProgress(snapshot, ctx.now)],
            'volume-size': () => [String(snapshot.volumeSize)],
            encrypted: () => [String(snapshot.encrypted)],
            'start-time': () => [snapshot.startTime.toISOString()],
          },
          snapshot.tags,
        ),
      );
  const { page, nextToken } = paginate(matching, maxResults, params.string('NextToken'), [5, 1000]);
  return { snapshotSet: page.map((snapshot) => renderSnapshot(snapshot, ctx.now)), nextToken };
};

const deleteSnapshot: ActionHandler = (ctx, params) => {
  const snapshot = ctx.store.snapshot(params.requiredString('SnapshotId'));
  ctx.store.snapshots.delete(snapshot.id);
  return { return: true };
};

export const snapshotActions: Record<string, ActionHandler> = {
  CreateSnapshot: createSnapshot,
  CreateSnapshots: createSnapshots,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
};
