import { stringifyJson } from '@backups/shared';
import { BackupSchema, DeploymentSchema, isUniqueViolation, RestoreSchema } from '@backups/shared/db';
import { describe, expect, it } from 'vitest';
import { newBackup, seedDeployment, useTestDatabase } from '../../src/index.js';

const db = useTestDatabase();

describe('database invariants', () => {
  it('rejects a second in-progress backup for one deployment', async () => {
    const em = db.orm.em.fork();
    const { deploymentId } = await seedDeployment(em);
    newBackup(em, deploymentId, 'in_progress');
    await em.flush();

    const em2 = db.orm.em.fork();
    newBackup(em2, deploymentId, 'in_progress');
    const err = await em2.flush().catch((e: unknown) => e);
    expect(isUniqueViolation(err, 'backups_one_in_progress')).toBe(true);

    // Pending ones may queue up behind it.
    const em3 = db.orm.em.fork();
    newBackup(em3, deploymentId, 'pending');
    newBackup(em3, deploymentId, 'pending');
    await em3.flush();
    expect(await em3.count(BackupSchema, { deploymentId })).toBe(3);
  });

  it('rejects a second active restore for one deployment', async () => {
    const em = db.orm.em.fork();
    const { deploymentId } = await seedDeployment(em);
    const backup = newBackup(em, deploymentId);
    await em.flush();
    const restore = (status: 'pending' | 'in_progress' | 'completed') =>
      em.fork().create(RestoreSchema, {
        deploymentId,
        backupId: backup.id,
        status,
        step: null,
        error: null,
        replacedVolumeIds: [],
        newVolumeIds: [],
        startedAt: null,
        completedAt: null,
      });
    const first = em.fork();
    first.persist(restore('completed'));
    first.persist(restore('pending'));
    await first.flush();
    const second = em.fork();
    second.persist(restore('in_progress'));
    const err = await second.flush().catch((e: unknown) => e);
    expect(isUniqueViolation(err, 'restores_one_active')).toBe(true);
  });

  it('enforces the status enums and foreign keys', async () => {
    const conn = db.orm.em.getConnection();
    await expect(conn.execute("insert into tenants (name, plan) values ('x', 'platinum')")).rejects.toThrow(
      /check constraint/,
    );
    await expect(
      conn.execute(
        "insert into backups (deployment_id, name, backup_type, region) values (999999, 'b', 'manual', 'us-west-1')",
      ),
    ).rejects.toThrow(/foreign key/);
  });
});

describe('64-bit ids', () => {
  it('stores, reads back and serialises 611298765432109056 without losing a digit', async () => {
    const id = 611298765432109056n;
    await seedDeployment(db.orm.em.fork(), id);
    const read = await db.orm.em.fork().findOneOrFail(DeploymentSchema, { id });
    expect(read.id).toBe(id);
    expect(typeof read.id).toBe('bigint');
    expect(stringifyJson({ deployment_id: read.id })).toBe('{"deployment_id":611298765432109056}');
    const [raw] = await db.orm.em
      .getConnection()
      .execute<{ id: string }[]>('select id::text as id from deployments where id = ?', [id.toString()]);
    expect(raw?.id).toBe('611298765432109056');
  });

  it('accepts the largest int64', async () => {
    const id = 9223372036854775807n;
    await seedDeployment(db.orm.em.fork(), id);
    const read = await db.orm.em.fork().findOneOrFail(DeploymentSchema, { id });
    expect(read.id).toBe(id);
  });
});

describe('deleting a deployment', () => {
  it('takes everything below it along, whatever references what', async () => {
    const em = db.orm.em.fork();
    const { deploymentId, nodeId } = await seedDeployment(em);
    const backup = newBackup(em, deploymentId);
    backup.nodeId = nodeId;
    await em.flush();
    const conn = em.getConnection();
    const d = deploymentId.toString();
    const b = backup.id.toString();
    const n = nodeId.toString();
    await conn.execute(
      `insert into backup_snapshots (backup_id, node_id, volume_id, device_name, volume_size_gib, volume_type)
       values (?, ?, 'vol-1', '/dev/sdf', 10, 'gp3')`,
      [b, n],
    );
    const [r] = await conn.execute<{ id: string }[]>(
      "insert into restores (deployment_id, backup_id, status) values (?, ?, 'completed') returning id::text",
      [d, b],
    );
    await conn.execute(
      `insert into restore_volumes (restore_id, node_id, device_name, snapshot_id, original_volume_id, client_token)
       values (?, ?, '/dev/sdf', 'snap-1', 'vol-1', 'token-1')`,
      [r?.id, n],
    );
    const [u] = await conn.execute<{ id: string }[]>(
      `insert into upgrades (deployment_id, target_version, from_version, pre_upgrade_backup_id)
       values (?, '0.5.0', '0.4.0', ?) returning id::text`,
      [d, b],
    );
    await conn.execute("insert into operations (deployment_id, kind, backup_id) values (?, 'backup', ?)", [
      d,
      b,
    ]);
    await conn.execute(
      "insert into operations (deployment_id, kind, restore_id, status) values (?, 'restore', ?, 'succeeded')",
      [d, r?.id],
    );
    await conn.execute(
      "insert into operations (deployment_id, kind, upgrade_id, status) values (?, 'upgrade', ?, 'succeeded')",
      [d, u?.id],
    );
    await conn.execute(
      "insert into backup_schedules (deployment_id, cron, timezone, node_id) values (?, '0 3 * * *', 'UTC', ?)",
      [d, n],
    );

    await conn.execute('delete from deployments where id = ?', [d]);
    const left: Array<[string, string, string | undefined]> = [
      ['nodes', 'deployment_id', d],
      ['backups', 'id', b],
      ['backup_snapshots', 'backup_id', b],
      ['restores', 'id', r?.id],
      ['restore_volumes', 'restore_id', r?.id],
      ['upgrades', 'id', u?.id],
      ['operations', 'deployment_id', d],
      ['backup_schedules', 'deployment_id', d],
    ];
    for (const [table, column, id] of left) {
      const [row] = await conn.execute<{ n: string }[]>(
        `select count(*)::text as n from ${table} where ${column} = ?`,
        [id],
      );
      expect(row?.n, table).toBe('0');
    }
  });
});
