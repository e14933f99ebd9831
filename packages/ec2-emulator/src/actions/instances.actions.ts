import { assertKnownFilters, matchesFilters } from '../domain/filters.js';
import { newResourceId } from '../domain/ids.js';
import type { InstanceRecord, VolumeRecord } from '../domain/model.js';
import { resolveVolumeSpec } from '../domain/volume-spec.js';
import { Ec2Error, invalidParameterValue, missingParameter } from '../protocol/errors.js';
import { parseFilters, parseTagSpecifications, type QueryParams } from '../protocol/query-protocol.js';
import type { XmlObject } from '../protocol/xml.js';
import type { ActionContext, ActionHandler } from './action-context.js';
import { paginate } from './pagination.js';
import { renderInstance, renderInstanceState } from './render.js';
import { tagsFor } from './tags.actions.js';
import { assertAvailabilityZone } from './volumes.actions.js';

export const ROOT_DEVICE_NAME = '/dev/xvda';
const ROOT_VOLUME_GIB = 8;
/** Share of a volume's blocks written, which a full snapshot stores (the emulator has no data). */
const WRITTEN_FRACTION = 0.4;

const INSTANCE_FILTERS = [
  'instance-id',
  'instance-state-name',
  'instance-state-code',
  'availability-zone',
  'instance-type',
  'image-id',
  'block-device-mapping.volume-id',
  'block-device-mapping.device-name',
];

function throttleResources(ctx: ActionContext, action: string, count: number): void {
  if (!ctx.throttler.tryResources(action, count, ctx.now)) {
    throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
  }
}

interface BlockDeviceMapping {
  device: string;
  ebs: QueryParams | undefined;
}

function blockDeviceVolume(
  ctx: ActionContext,
  instance: InstanceRecord,
  { device, ebs }: BlockDeviceMapping,
  tags: Map<string, string>,
): VolumeRecord {
  const snapshotId = ebs?.string('SnapshotId');
  const snapshot = snapshotId === undefined ? undefined : ctx.store.snapshot(snapshotId);
  const isRoot = device === ROOT_DEVICE_NAME;
  const spec = resolveVolumeSpec(
    {
      size: ebs?.int('VolumeSize') ?? (isRoot && !snapshot ? ROOT_VOLUME_GIB : undefined),
      volumeType: ebs?.string('VolumeType') ?? (isRoot ? 'gp3' : undefined),
      iops: ebs?.int('Iops'),
      throughput: ebs?.int('Throughput'),
      encrypted: ebs?.bool('Encrypted'),
      kmsKeyId: ebs?.string('KmsKeyId'),
      snapshot,
    },
    ctx.region,
    ctx.accountId,
  );
  const at = ctx.clock.toDate(ctx.now);
  return {
    id: newResourceId('vol'),
    availabilityZone: instance.availabilityZone,
    ...spec,
    snapshotId,
    state: 'available',
    stateAt: ctx.now,
    createTime: at,
    attachment: {
      instanceId: instance.id,
      device,
      state: 'attached',
      stateAt: ctx.now,
      attachTime: at,
      deleteOnTermination: ebs?.bool('DeleteOnTermination') ?? true,
    },
    tags: new Map(tags),
    dataBytes: snapshot?.fullSizeBytes ?? Math.round(spec.size * 2 ** 30 * WRITTEN_FRACTION),
  };
}

const runInstances: ActionHandler = (ctx, params) => {
  const imageId = params.string('ImageId');
  if (imageId === undefined) throw missingParameter('ImageId');
  const minCount = params.int('MinCount') ?? 1;
  const maxCount = params.int('MaxCount') ?? minCount;
  if (minCount < 1 || maxCount < minCount) {
    throw invalidParameterValue('MinCount must be at least 1 and no more than MaxCount.');
  }
  const zone = params.child('Placement')?.string('AvailabilityZone') ?? `${ctx.region}a`;
  assertAvailabilityZone(ctx, zone);
  throttleResources(ctx, 'RunInstances', maxCount);
  const specs = parseTagSpecifications(params);
  const instanceTags = tagsFor(specs, 'instance', ['instance', 'volume']);
  const volumeTags = tagsFor(specs, 'volume', ['instance', 'volume']);
  const mappings: BlockDeviceMapping[] = params
    .list('BlockDeviceMapping')
    .map((mapping) => ({ device: mapping.requiredString('DeviceName'), ebs: mapping.child('Ebs') }));
  if (new Set(mappings.map((m) => m.device)).size !== mappings.length) {
    throw invalidParameterValue('The same device name is used more than once in the block device mapping.');
  }
  // The AMI's root volume unless the request overrides it; mappings without Ebs (NoDevice, ephemeral) make no volume.
  if (!mappings.some((mapping) => mapping.device === ROOT_DEVICE_NAME)) {
    mappings.unshift({ device: ROOT_DEVICE_NAME, ebs: undefined });
  }
  const ebsMappings = mappings.filter(
    (mapping) => mapping.ebs !== undefined || mapping.device === ROOT_DEVICE_NAME,
  );

  const reservationId = newResourceId('r');
  const created: { instance: InstanceRecord; volumes: VolumeRecord[] }[] = [];
  for (let i = 0; i < maxCount; i++) {
    const instance: InstanceRecord = {
      id: newResourceId('i'),
      reservationId,
      imageId,
      instanceType: params.string('InstanceType') ?? 'm1.small',
      availabilityZone: zone,
      state: 'pending',
      stateAt: ctx.now,
      launchTime: ctx.clock.toDate(ctx.now),
      rootDeviceName: ROOT_DEVICE_NAME,
      tags: new Map(instanceTags),
    };
    // Every mapping is validated (resolveVolumeSpec throws) before anything is stored.
    const volumes = ebsMappings.map((mapping) => blockDeviceVolume(ctx, instance, mapping, volumeTags));
    created.push({ instance, volumes });
  }
  for (const { instance, volumes } of created) {
    ctx.store.instances.set(instance.id, instance);
    for (const volume of volumes) ctx.store.volumes.set(volume.id, volume);
  }
  return {
    reservationId,
    ownerId: ctx.accountId,
    groupSet: [],
    instancesSet: created.map(({ instance }) => renderInstance(instance, ctx.store)),
  };
};

const describeInstances: ActionHandler = (ctx, params) => {
  const ids = params.strings('InstanceId');
  const maxResults = params.int('MaxResults');
  if (ids.length > 0 && maxResults !== undefined) {
    throw new Ec2Error(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const filters = parseFilters(params);
  assertKnownFilters(filters, INSTANCE_FILTERS);
  const missing = ids.filter((id) => !ctx.store.instances.has(id));
  if (missing.length === 1 && missing[0] !== undefined) ctx.store.instance(missing[0]);
  if (missing.length > 1) {
    throw new Ec2Error('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  }
  const candidates =
    ids.length > 0 ? ids.map((id) => ctx.store.instance(id)) : [...ctx.store.instances.values()];
  const matching = candidates.filter((instance) =>
    matchesFilters(
      filters,
      {
        'instance-id': () => [instance.id],
        'instance-state-name': () => [instance.state],
        'instance-state-code': () => [String(renderInstanceState(instance).code)],
        'availability-zone': () => [instance.availabilityZone],
        'instance-type': () => [instance.instanceType],
        'image-id': () => [instance.imageId],
        'block-device-mapping.volume-id': () => ctx.store.volumesOf(instance.id).map((volume) => volume.id),
        'block-device-mapping.device-name': () =>
          ctx.store.volumesOf(instance.id).map((volume) => volume.attachment?.device),
      },
      instance.tags,
    ),
  );
  const { page, nextToken } = paginate(matching, maxResults, params.string('NextToken'), [5, 1000]);
  // One reservation per instance keeps the shape EC2 uses without tracking launch batches.
  const reservationSet: XmlObject[] = page.map((instance) => ({
    reservationId: instance.reservationId,
    ownerId: ctx.accountId,
    groupSet: [],
    instancesSet: [renderInstance(instance, ctx.store)],
  }));
  return { reservationSet, nextToken };
};

function stateChange(instance: InstanceRecord, previous: XmlObject): XmlObject {
  return { instanceId: instance.id, currentState: renderInstanceState(instance), previousState: previous };
}

const stopInstances: ActionHandler = (ctx, params) => {
  const ids = params.strings('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  const instances = ids.map((id) => ctx.store.instance(id));
  for (const instance of instances) {
    if (
      instance.state === 'pending' ||
      instance.state === 'shutting-down' ||
      instance.state === 'terminated'
    ) {
      throw new Ec2Error(
        'IncorrectInstanceState',
        `The instance '${instance.id}' is not in a state from which it can be stopped.`,
      );
    }
  }
  throttleResources(ctx, 'StopInstances', instances.length);
  return {
    instancesSet: instances.map((instance) => {
      const previous = renderInstanceState(instance);
      if (instance.state === 'running') {
        instance.state = 'stopping';
        instance.stateAt = ctx.now;
      }
      return stateChange(instance, previous);
    }),
  };
};

const startInstances: ActionHandler = (ctx, params) => {
  const ids = params.strings('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  const instances = ids.map((id) => ctx.store.instance(id));
  for (const instance of instances) {
    if (
      instance.state === 'stopping' ||
      instance.state === 'shutting-down' ||
      instance.state === 'terminated'
    ) {
      throw new Ec2Error(
        'IncorrectInstanceState',
        `The instance '${instance.id}' is not in a state from which it can be started.`,
      );
    }
    const root = ctx.store
      .volumesOf(instance.id)
      .find((volume) => volume.attachment?.device === instance.rootDeviceName);
    if (instance.state === 'stopped' && (!root || root.attachment?.state === 'detaching')) {
      throw new Ec2Error(
        'IncorrectInstanceState',
        `The instance '${instance.id}' has no volume attached at root device ${instance.rootDeviceName}.`,
      );
    }
  }
  throttleResources(ctx, 'StartInstances', instances.length);
  return {
    instancesSet: instances.map((instance) => {
      const previous = renderInstanceState(instance);
      if (instance.state === 'stopped') {
        instance.state = 'pending';
        instance.stateAt = ctx.now;
      }
      return stateChange(instance, previous);
    }),
  };
};

const terminateInstances: ActionHandler = (ctx, params) => {
  const ids = params.strings('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  const instances = ids.map((id) => ctx.store.instance(id));
  throttleResources(ctx, 'TerminateInstances', instances.length);
  return {
    instancesSet: instances.map((instance) => {
      const previous = renderInstanceState(instance);
      if (instance.state !== 'terminated' && instance.state !== 'shutting-down') {
        instance.state = 'shutting-down';
        instance.stateAt = ctx.now;
      }
      return stateChange(instance, previous);
    }),
  };
};

export const instanceActions: Record<string, ActionHandler> = {
  TerminateInstances: terminateInstances,
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StopInstances: stopInstances,
  StartInstances: startInstances,
};
