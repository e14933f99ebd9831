import { assertKnownFilters, matchesFilters } from '../domain/filters.js';
import { newResourceId } from '../domain/ids.js';
import { type VolumeRecord, volumeState } from '../domain/model.js';
import { resolveVolumeSpec } from '../domain/volume-spec.js';
import { Ec2Error, invalidParameterValue, missingParameter } from '../protocol/errors.js';
import { parseFilters, parseTagSpecifications, type QueryParams } from '../protocol/query-protocol.js';
import { type ActionContext, type ActionHandler, availabilityZones } from './action-context.js';
import { paginate } from './pagination.js';
import { renderAttachment, renderVolume } from './render.js';
import { tagsFor } from './tags.actions.js';

const VOLUME_FILTERS = [
  'volume-id',
  'status',
  'availability-zone',
  'snapshot-id',
  'volume-type',
  'size',
  'encrypted',
  'attachment.instance-id',
  'attachment.device',
  'attachment.status',
  'attachment.delete-on-termination',
];

export function assertAvailabilityZone(ctx: ActionContext, zone: string): void {
  if (!availabilityZones(ctx.region).includes(zone)) {
    throw invalidParameterValue(`Invalid availability zone: [${zone}]`);
  }
}

/** The parameters whose equality ClientToken idempotency checks. */
function fingerprint(params: QueryParams): string {
  const keys = [
    'AvailabilityZone',
    'Size',
    'SnapshotId',
    'VolumeType',
    'Iops',
    'Throughput',
    'Encrypted',
    'KmsKeyId',
  ];
  return JSON.stringify(keys.map((key) => params.string(key) ?? null));
}

const createVolume: ActionHandler = (ctx, params) => {
  const clientToken = params.string('ClientToken');
  if (clientToken !== undefined) {
    const previous = ctx.store.volumeClientTokens.get(clientToken);
    if (previous) {
      if (previous.fingerprint !== fingerprint(params)) {
        throw new Ec2Error(
          'IdempotentParameterMismatch',
          'The client token you have provided is associated with a resource that does not match the request parameters.',
        );
      }
      const volume = ctx.store.volumes.get(previous.volumeId);
      if (volume) return renderVolume(volume, ctx.accountId);
    }
  }

  const zone = params.string('AvailabilityZone');
  if (zone === undefined) throw missingParameter('AvailabilityZone');
  assertAvailabilityZone(ctx, zone);
  const snapshotId = params.string('SnapshotId');
  const snapshot = snapshotId === undefined ? undefined : ctx.store.snapshot(snapshotId);
  if (snapshot && snapshot.state !== 'completed') {
    throw new Ec2Error('IncorrectState', `Snapshot is in invalid state - ${snapshot.state}`);
  }
  const spec = resolveVolumeSpec(
    {
      size: params.int('Size'),
      volumeType: params.string('VolumeType'),
      iops: params.int('Iops'),
      throughput: params.int('Throughput'),
      encrypted: params.bool('Encrypted'),
      kmsKeyId: params.string('KmsKeyId'),
      snapshot,
    },
    ctx.region,
    ctx.accountId,
  );
  const tags = tagsFor(parseTagSpecifications(params), 'volume', ['volume']);

  const volume: VolumeRecord = {
    id: newResourceId('vol'),
    availabilityZone: zone,
    ...spec,
    snapshotId,
    state: 'creating',
    stateAt: ctx.now,
    createTime: ctx.clock.toDate(ctx.now),
    attachment: undefined,
    tags,
    dataBytes: snapshot?.fullSizeBytes ?? 0,
  };
  ctx.store.volumes.set(volume.id, volume);
  if (clientToken !== undefined) {
    ctx.store.volumeClientTokens.set(clientToken, { fingerprint: fingerprint(params), volumeId: volume.id });
  }
  return renderVolume(volume, ctx.accountId);
};

const describeVolumes: ActionHandler = (ctx, params) => {
  const ids = params.strings('VolumeId');
  const maxResults = params.int('MaxResults');
  if (ids.length > 0 && maxResults !== undefined) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'The parameter volumeSet cannot be used with the parameter maxResults',
    );
  }
  const filters = parseFilters(params);
  assertKnownFilters(filters, VOLUME_FILTERS);
  const candidates = ids.length > 0 ? ids.map((id) => ctx.store.volume(id)) : [...ctx.store.volumes.values()];
  const matching = candidates.filter((volume) =>
    matchesFilters(
      filters,
      {
        'volume-id': () => [volume.id],
        status: () => [volumeState(volume)],
        'availability-zone': () => [volume.availabilityZone],
        'snapshot-id': () => [volume.snapshotId],
        'volume-type': () => [volume.volumeType],
        size: () => [String(volume.size)],
        encrypted: () => [String(volume.encrypted)],
        'attachment.instance-id': () => [volume.attachment?.instanceId],
        'attachment.device': () => [volume.attachment?.device],
        'attachment.status': () => [volume.attachment?.state],
        'attachment.delete-on-termination': () => [
          volume.attachment ? String(volume.attachment.deleteOnTermination) : undefined,
        ],
      },
      volume.tags,
    ),
  );
  const { page, nextToken } = paginate(matching, maxResults, params.string('NextToken'), [5, 500]);
  return { volumeSet: page.map((volume) => renderVolume(volume, ctx.accountId)), nextToken };
};

const attachVolume: ActionHandler = (ctx, params) => {
  const volume = ctx.store.volume(params.requiredString('VolumeId'));
  const instance = ctx.store.instance(params.requiredString('InstanceId'));
  const device = params.requiredString('Device');
  if (volume.attachment) {
    throw new Ec2Error('VolumeInUse', `${volume.id} is already attached to an instance`);
  }
  if (volume.state !== 'available') {
    throw new Ec2Error('IncorrectState', `The volume '${volume.id}' is not 'available'.`);
  }
  if (volume.availabilityZone !== instance.availabilityZone) {
    throw new Ec2Error(
      'InvalidVolume.ZoneMismatch',
      `The volume '${volume.id}' is not in the same availability zone as instance '${instance.id}'`,
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new Ec2Error('IncorrectInstanceState', `Instance '${instance.id}' is not 'running' or 'stopped'.`);
  }
  if (ctx.store.volumesOf(instance.id).some((other) => other.attachment?.device === device)) {
    throw invalidParameterValue(
      `Invalid value '${device}' for unixDevice. Attachment point ${device} is already in use`,
    );
  }
  volume.attachment = {
    instanceId: instance.id,
    device,
    state: 'attaching',
    stateAt: ctx.now,
    attachTime: ctx.clock.toDate(ctx.now),
    deleteOnTermination: false,
  };
  return renderAttachment(volume) ?? {};
};

const detachVolume: ActionHandler = (ctx, params) => {
  const volume = ctx.store.volume(params.requiredString('VolumeId'));
  const attachment = volume.attachment;
  if (!attachment) {
    throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the '${volumeState(volume)}' state.`);
  }
  const instanceId = params.string('InstanceId');
  if (instanceId !== undefined) {
    ctx.store.instance(instanceId);
    if (instanceId !== attachment.instanceId) {
      throw new Ec2Error(
        'InvalidAttachment.NotFound',
        `Volume '${volume.id}' can not be detached from '${instanceId}'.`,
      );
    }
  }
  const device = params.string('Device');
  if (device !== undefined && device !== attachment.device) {
    throw new Ec2Error('InvalidAttachment.NotFound', `Volume '${volume.id}' is not attached at '${device}'.`);
  }
  if (attachment.state === 'detaching') {
    throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the 'detaching' state.`);
  }
  const instance = ctx.store.instance(attachment.instanceId);
  // EC2 only lets a root volume go while its instance is stopped.
  if (attachment.device === instance.rootDeviceName && instance.state !== 'stopped') {
    throw new Ec2Error(
      'OperationNotPermitted',
      `Unable to detach root volume '${volume.id}' from instance '${instance.id}'`,
    );
  }
  attachment.state = 'detaching';
  attachment.stateAt = ctx.now;
  return renderAttachment(volume) ?? {};
};

const deleteVolume: ActionHandler = (ctx, params) => {
  const volume = ctx.store.volume(params.requiredString('VolumeId'));
  if (volume.attachment) {
    throw new Ec2Error(
      'VolumeInUse',
      `Volume ${volume.id} is currently attached to ${volume.attachment.instanceId}`,
    );
  }
  ctx.store.volumes.delete(volume.id);
  ctx.store.lastSnapshotAt.delete(volume.id);
  return { return: true };
};

export const volumeActions: Record<string, ActionHandler> = {
  CreateVolume: createVolume,
  DescribeVolumes: describeVolumes,
  AttachVolume: attachVolume,
  DetachVolume: detachVolume,
  DeleteVolume: deleteVolume,
};
