import type { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from 'vitest';
import { all, row, useTestFleet } from './harness/fleet.js';
import { requestUpgrade as requestUpgradeOf, seedDeployment } from './harness/seed.js';
import { waitFor } from './harness/wait.js';

const fleet = useTestFleet();

async function requestUpgrade(em: EntityManager, deploymentId: bigint, target: string, withBackup: boolean) {
  return (await requestUpgradeOf(em, fleet.queues, deploymentId, target, withBackup)).upgradeId;
}

async function finishedUpgrade(em: EntityManager, upgradeId: bigint) {
  return waitFor('upgrade finished', async () => {
    const u = await row<{ status: string; error: string | null; pre_upgrade_backup_id: string | null }>(
      em,
      'select status, error, pre_upgrade_backup_id::text from upgrades where id = ?',
      [upgradeId.toString()],
    );
    return u && (u.status === 'completed' || u.status === 'failed') ? u : undefined;
  });
}

async function deployment(em: EntityManager, id: bigint) {
  return row<{ status: string; version: string }>(
    em,
    'select status, version from deployments where id = ?',
    [id.toString()],
  );
}

describe('upgrades', () => {
  beforeAll(async () => {
    await fleet.startInProcessWorker({ POLL_INTERVAL_MS: '20' });
  });

  it('completes the pre-upgrade backup before the upgrade starts, stops and starts the nodes (left running) and records the new version', async () => {
    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint, { nodes: 2 });
    const before = await fleet.emu.control.calls();
    const upgradeId = await requestUpgrade(em, d.deploymentId, '0.5.0', true);

    const upgrade = await finishedUpgrade(em, upgradeId);
    expect(upgrade, JSON.stringify(upgrade)).toMatchObject({ status: 'completed', error: null });
    expect(await deployment(em, d.deploymentId)).toEqual({ status: 'running', version: '0.5.0' });

    const backup = await row<{ status: string; backup_type: string }>(
      em,
      'select status, backup_type from backups where id = ?',
      [upgrade.pre_upgrade_backup_id],
    );
    expect(backup).toEqual({ status: 'completed', backup_type: 'pre_upgrade' });
    // The backup's operation ended before the upgrade's began.
    const ops = await all<{ kind: string; started_at: Date; finished_at: Date }>(
      em,
      'select kind, started_at, finished_at from operations where deployment_id = ? order by id',
      [d.deploymentId.toString()],
    );
    expect(ops.map((o) => o.kind)).toEqual(['backup', 'upgrade']);
    const [b, u] = ops;
    expect(new Date(b?.finished_at ?? 0).getTime()).toBeLessThanOrEqual(
      new Date(u?.started_at ?? 0).getTime(),
    );

    const after = await fleet.emu.control.calls();
    expect((after.StopInstances?.total ?? 0) - (before.StopInstances?.total ?? 0)).toBeGreaterThanOrEqual(1);
    expect((after.StartInstances?.total ?? 0) - (before.StartInstances?.total ?? 0)).toBeGreaterThanOrEqual(
      1,
    );
    const state = await fleet.emu.control.state();
    for (const n of d.nodes) {
      expect(state.instances.find((i) => i.instanceId === n.instanceId)?.state).toBe('running');
    }
  });

  it('aborts the upgrade, leaving the deployment untouched, when the pre-upgrade backup fails', async () => {
    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint);
    const stopsBefore = (await fleet.emu.control.calls()).StopInstances?.total ?? 0;
    // EC2 refuses the snapshot for good (not a throttle): the backup fails.
    await fleet.emu.control.injectFault({
      action: 'CreateSnapshots',
      code: 'UnauthorizedOperation',
      count: 1,
      message: 'You are not authorized to perform this operation.',
    });
    const upgradeId = await requestUpgrade(em, d.deploymentId, '0.5.0', true);

    const upgrade = await finishedUpgrade(em, upgradeId);
    expect(upgrade.status).toBe('failed');
    expect(upgrade.error).toMatch(/pre-upgrade backup \d+ is failed/);
    expect(upgrade.error).toMatch(/not authorized/);
    expect(await deployment(em, d.deploymentId)).toEqual({ status: 'running', version: '0.4.0' });
    expect((await fleet.emu.control.calls()).StopInstances?.total ?? 0).toBe(stopsBefore);
  });

  it('upgrades without a backup when the plan has none', async () => {
    const em = fleet.em();
    const d = await seedDeployment(em, fleet.emu.endpoint);
    const upgradeId = await requestUpgrade(em, d.deploymentId, '0.6.0', false);
    const upgrade = await finishedUpgrade(em, upgradeId);
    expect(upgrade).toMatchObject({ status: 'completed', pre_upgrade_backup_id: null });
    expect(await deployment(em, d.deploymentId)).toEqual({ status: 'running', version: '0.6.0' });
  });
});
