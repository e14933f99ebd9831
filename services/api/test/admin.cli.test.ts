import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type RunningEc2Emulator, seedInstance, startEc2Emulator } from '@backups/ec2-emulator';
import { Ec2Adapter } from '@backups/shared/ec2';
import { useTestDatabase } from '@backups/shared/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand, UsageError } from '../src/admin/admin-commands.js';
import { hashApiKey } from '../src/auth/api-key.js';

const db = useTestDatabase();
let emu: RunningEc2Emulator;
let client: EC2Client;
const adapters: Ec2Adapter[] = [];

beforeAll(async () => {
  emu = await startEc2Emulator({ port: 0, region: 'us-west-1', timeScale: 0.001, limits: false });
  client = new EC2Client({
    region: 'us-west-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  for (const a of adapters) a.destroy();
  client?.destroy();
  await emu?.stop();
});

async function admin(...argv: string[]): Promise<string[]> {
  const out: string[] = [];
  await runAdminCommand(argv, {
    em: db.orm.em.fork() as EntityManager,
    ec2ForRegion: (region) => {
      const a = new Ec2Adapter({
        region,
        endpoint: emu.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      adapters.push(a);
      return a;
    },
    print: (line) => out.push(line),
  });
  return out;
}

const sql = <T>(query: string, params: unknown[] = []) =>
  (db.orm.em.fork() as EntityManager).execute<T[]>(query, params);

describe('admin CLI', () => {
  it('creates a tenant and a key whose secret is printed once and stored only as a hash; revokes it', async () => {
    const [tenantLine] = await admin(
      'tenant:create',
      '--name',
      'acme',
      '--plan',
      'enterprise',
      '--backup-limit',
      '50',
    );
    const tenantId = tenantLine?.match(/^tenant (\d+) created/)?.[1];
    expect(tenantId, tenantLine).toBeDefined();
    const keyOut = await admin(
      'key:create',
      '--tenant',
      String(tenantId),
      '--name',
      'ci',
      '--permissions',
      'deployment:read,deployment:manage',
      '--expires-in-days',
      '30',
    );
    const secret = keyOut.at(-1) ?? '';
    expect(secret).toMatch(/^ld_[0-9A-Za-z]{32,}$/);
    const keyId = keyOut[0]?.match(/^key (\d+) created/)?.[1];
    const [row] = await sql<{
      key_hash: string;
      permissions: string[];
      expires_at: string | null;
      tenant_id: string;
    }>('select key_hash, permissions, expires_at, tenant_id from api_keys where id = ?', [keyId]);
    expect(row).toMatchObject({
      key_hash: hashApiKey(secret),
      permissions: ['deployment:read', 'deployment:manage'],
      tenant_id: tenantId,
    });
    expect(row?.expires_at).not.toBeNull();
    const stored = JSON.stringify(await sql('select * from api_keys'));
    expect(stored).not.toContain(secret);
    expect(await admin('key:revoke', '--id', String(keyId))).toEqual([`key ${keyId} revoked`]);
    expect(await admin('key:revoke', '--id', String(keyId))).toEqual([
      `key ${keyId} not found or already revoked`,
    ]);
  });

  it('registers a deployment by discovering its instances’ AZs and data volumes from EC2', async () => {
    const [tenantLine] = await admin('tenant:create', '--name', 'acme', '--plan', 'pro');
    const tenantId = tenantLine?.match(/^tenant (\d+)/)?.[1] ?? '';
    const a = await seedInstance(client, {
      az: 'us-west-1a',
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 100, type: 'io2', iops: 4000, encrypted: true }],
    });
    const b = await seedInstance(client, {
      az: 'us-west-1b',
      dataVolumes: [
        { device: '/dev/sdf', sizeGiB: 50, type: 'gp3', iops: 3000, throughput: 250 },
        { device: '/dev/sdg', sizeGiB: 20 },
      ],
    });
    const out = await admin(
      'deployment:register',
      '--tenant',
      tenantId,
      '--name',
      'orders',
      '--region',
      'us-west-1',
      '--instances',
      `${a.instanceId},${b.instanceId}`,
      '--id',
      '611298765432109056',
      '--version',
      '0.5.1',
    );
    expect(out[0]).toBe('deployment 611298765432109056 registered with 2 node(s)');
    const nodes = await sql<{ instance_id: string; availability_zone: string; volumes: string }>(
      `select n.instance_id, n.availability_zone,
              string_agg(v.device_name || ' ' || v.volume_id || ' ' || v.size_gib || ' ' || v.volume_type || ' ' ||
                         coalesce(v.iops::text, '-') || ' ' || coalesce(v.throughput::text, '-') || ' ' || v.encrypted, '; ' order by v.device_name) as volumes
         from nodes n join volumes v on v.node_id = n.id
        where n.deployment_id = 611298765432109056 group by n.id order by n.id`,
    );
    const volumeOf = (s: typeof a, device: string) => s.volumes.find((v) => v.device === device)?.volumeId;
    expect(nodes).toEqual([
      {
        instance_id: a.instanceId,
        availability_zone: 'us-west-1a',
        volumes: `/dev/sdf ${volumeOf(a, '/dev/sdf')} 100 io2 4000 - true`,
      },
      {
        instance_id: b.instanceId,
        availability_zone: 'us-west-1b',
        volumes: `/dev/sdf ${volumeOf(b, '/dev/sdf')} 50 gp3 3000 250 false; /dev/sdg ${volumeOf(b, '/dev/sdg')} 20 gp3 3000 125 false`,
      },
    ]);
    const [dep] = await sql<Record<string, string>>(
      'select cloud, storage_type, region, version, status from deployments where id = 611298765432109056',
    );
    expect(dep).toEqual({
      cloud: 'aws',
      storage_type: 'network',
      region: 'us-west-1',
      version: '0.5.1',
      status: 'running',
    });
  });

  it('registers nothing when an instance is unknown, and rejects bad arguments with usage', async () => {
    const [tenantLine] = await admin('tenant:create', '--name', 'acme', '--plan', 'pro');
    const tenantId = tenantLine?.match(/^tenant (\d+)/)?.[1] ?? '';
    await expect(
      admin(
        'deployment:register',
        '--tenant',
        tenantId,
        '--name',
        'x',
        '--region',
        'us-west-1',
        '--instances',
        'i-0123456789abcdef0',
      ),
    ).rejects.toThrow(/InvalidInstanceID|not found/i);
    const [{ n } = { n: '' }] = await sql<{ n: string }>(
      'select count(*) as n from deployments where name = ?',
      ['x'],
    );
    expect(n).toBe('0');
    await expect(admin('tenant:create', '--name', 'x', '--plan', 'gold')).rejects.toBeInstanceOf(UsageError);
    await expect(
      admin('key:create', '--tenant', '1', '--name', 'x', '--permissions', 'deployment:admin'),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(admin('tenant:create', '--bogus', 'x')).rejects.toBeInstanceOf(UsageError);
    await expect(admin('nope')).rejects.toBeInstanceOf(UsageError);
  });

  it('lists operations, optionally for one deployment', async () => {
    const [tenantLine] = await admin('tenant:create', '--name', 'acme', '--plan', 'pro');
    const tenantId = tenantLine?.match(/^tenant (\d+)/)?.[1] ?? '';
    const s = await seedInstance(client, {
      az: 'us-west-1a',
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 10 }],
    });
    const reg = await admin(
      'deployment:register',
      '--tenant',
      tenantId,
      '--name',
      'ops',
      '--region',
      'us-west-1',
      '--instances',
      s.instanceId,
    );
    const deploymentId = reg[0]?.match(/^deployment (\d+)/)?.[1] ?? '';
    const [b] = await sql<{ id: string }>(
      "insert into backups (deployment_id, name, backup_type, status, region) values (?, 'b', 'manual', 'pending', 'us-west-1') returning id",
      [deploymentId],
    );
    await sql(
      "insert into operations (deployment_id, kind, backup_id, status) values (?, 'backup', ?, 'queued')",
      [deploymentId, b?.id],
    );
    const out = await admin('operations:list', '--deployment', deploymentId);
    expect(out).toHaveLength(2);
    expect(out[1]?.split('\t').slice(1, 5)).toEqual([deploymentId, 'backup', 'queued', `backup ${b?.id}`]);
    expect(await admin('operations:list', '--deployment', '999999')).toHaveLength(1);
  });

  it('runs as the package script entry point (exit 64 and usage on a bad command)', async () => {
    const run = promisify(execFile);
    const err = await run(
      'node',
      ['--conditions=@backups/source', '--import', 'tsx', 'src/admin/cli.ts', 'nope'],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, DATABASE_URL: db.url },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(64);
    expect((err as { stderr: string }).stderr).toContain('usage: admin');
    const ok = await run(
      'node',
      [
        '--conditions=@backups/source',
        '--import',
        'tsx',
        'src/admin/cli.ts',
        'tenant:create',
        '--name',
        'script',
        '--plan',
        'pro',
      ],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, DATABASE_URL: db.url },
      },
    );
    expect(ok.stdout).toMatch(/^tenant \d+ created \(pro\)/);
  });
});
