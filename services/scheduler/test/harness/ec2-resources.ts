import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { REGION } from './fleet.js';
import { waitUntil } from './scheduler-process.js';

// Snapshots and volumes made behind the service's back, straight through the EC2 API.

/**
 * A volume, once it is `available`: until then (`creating`) the cleanup rightly
 * leaves it alone, so a test that counted on it as an orphan would depend on
 * how fast the emulator got there.
 */
export async function createVolume(client: EC2Client, tags: Tag[]): Promise<string> {
  const v = await client.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${REGION}a`,
      Size: 1,
      ...(tags.length ? { TagSpecifications: [{ ResourceType: 'volume', Tags: tags }] } : {}),
    }),
  );
  const volumeId = v.VolumeId ?? '';
  await waitUntil(`volume ${volumeId} to be available`, async () => {
    const found = await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
    return found.Volumes?.[0]?.State === 'available' || undefined;
  });
  return volumeId;
}

export async function createSnapshot(client: EC2Client, volumeId: string, tags: Tag[]): Promise<string> {
  const input = {
    VolumeId: volumeId,
    ...(tags.length ? { TagSpecifications: [{ ResourceType: 'snapshot' as const, Tags: tags }] } : {}),
  };
  // The emulator enforces EBS's spacing between two snapshots of one volume (scaled down): try again.
  const s = await waitUntil('a snapshot past the per-volume spacing', () =>
    client.send(new CreateSnapshotCommand(input)).catch((err: Error) => {
      if (err.name === 'SnapshotCreationPerVolumeRateExceeded') return undefined;
      throw err;
    }),
  );
  return s.SnapshotId ?? '';
}

/** Every snapshot and volume id EC2 holds now. */
export async function idsInEc2(control: {
  state(): Promise<{ snapshots: { snapshotId: string }[]; volumes: { volumeId: string }[] }>;
}): Promise<Set<string>> {
  const s = await control.state();
  return new Set([...s.snapshots.map((x) => x.snapshotId), ...s.volumes.map((v) => v.volumeId)]);
}
