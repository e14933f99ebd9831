import { TAG_BACKUP } from '@backups/shared/ec2';
import { describe, expect, it } from 'vitest';
import { assertConsistent } from './harness/checks.js';
import { HANG_MS, newBackup } from './harness/crash-run.js';
import { row, useTestFleet } from './harness/fleet.js';
import { REGION, testAdapter } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();

// The crash matrix passes when assertConsistent finds nothing; this shows it
// does find what a faulty takeover would leave behind.
describe('the end-state check of the crash matrix', () => {
  it('reports a second EC2 snapshot of a backed-up volume, a stopped instance and a volume attached that Postgres does not record', async () => {
    const em = fleet.em();
    const worker = await fleet.startInProcessWorker();
    const { backupId } = await newBackup(fleet);
    await waitFor(
      'the backup completed',
      async () =>
        (await row<{ status: string }>(em, 'select status from backups where id = ?', [backupId.toString()]))
          ?.status === 'completed',
      HANG_MS,
    );
    await worker.stop();
    const before = await fleet.emu.control.state();
    expect(await assertConsistent(em, before)).toEqual([]);

    const ec2 = testAdapter(fleet.emu.endpoint);
    try {
      // What a retried CreateSnapshots without the tag lookup would make: another snapshot of one volume, same tags.
      const first = before.snapshots.find((s) => s.tags[TAG_BACKUP] === backupId.toString());
      const instance = before.instances.find((i) =>
        i.blockDeviceMappings.some((m) => m.volumeId === first?.volumeId),
      );
      if (!first || !instance) throw new Error('the backup has no snapshot');
      const others = instance.blockDeviceMappings.flatMap((m) =>
        m.volumeId !== first.volumeId && m.deviceName !== instance.rootDeviceName ? [m.volumeId] : [],
      );
      const [again] = await ec2.createSnapshots({
        instanceId: instance.instanceId,
        excludeDataVolumeIds: others,
        description: 'a duplicate',
        tags: first.tags,
      });
      // A volume made from that snapshot, left attached to the instance, which is then stopped.
      const loose = await ec2.createVolume({
        availabilityZone: `${REGION}a`,
        snapshotId: first.snapshotId,
        volumeType: 'gp3',
        sizeGiB: 4,
        iops: null,
        throughput: null,
        encrypted: false,
        kmsKeyId: null,
        clientToken: 'crash-checks',
        tags: {},
      });
      await waitFor('the loose volume available', async () => {
        const [v] = await ec2.describeVolumes([loose.volumeId]);
        return v?.state === 'available';
      });
      await ec2.attachVolume({
        volumeId: loose.volumeId,
        instanceId: instance.instanceId,
        device: '/dev/sdz',
      });
      await ec2.stopInstances([instance.instanceId]);

      const problems = await assertConsistent(em, await fleet.emu.control.state());
      expect(problems).toEqual(
        expect.arrayContaining([
          `duplicate snapshots of backup ${backupId} volume ${first.volumeId}: ${first.snapshotId}, ${again?.snapshotId}`,
          expect.stringMatching(new RegExp(`^instance ${instance.instanceId} is (stopping|stopped)$`)),
          expect.stringMatching(
            new RegExp(`^${instance.instanceId} has ${loose.volumeId} attached at /dev/sdz`),
          ),
        ]),
      );
    } finally {
      ec2.destroy();
    }
  });
});
