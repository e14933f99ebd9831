import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type RunningEc2Emulator, seedInstance, startEc2Emulator } from '@backups/ec2-emulator';
import { Ec2Adapter } from '@backups/shared/ec2';
import { hashApiKey } from '@backups/shared/tenants';
import { useTestDatabase } from '@backups/testing';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand, UsageError } from '../src/admin/admin-commands.js';

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

/** Runs a command in-process; `stdin` is what `--jsonl -` reads. */
async function adminRun(argv: string[], stdin?: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runAdminCommand(argv, {
    em: async () => db.orm.em.fork() as EntityManager,
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
    ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
  });
  return { code, out };
}

async function admin(...argv: string[]): Promise<string[]> {
  return (await adminRun(argv)).out;
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
    expect(keyOut.filter((line) => line.includes(secret))).toHaveLength(1);
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
    const [revoked] = await sql<{ revoked_at: string | null }>(
      'select revoked_at from api_keys where id = ?',
      [keyId],
    );
    expect(revoked?.revoked_at).not.toBeNull();
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

describe('admin CLI: deployment:register --jsonl', () => {
  async function newTenant(): Promise<string> {
    const [line] = await admin('tenant:create', '--name', 'batch', '--plan', 'pro');
    return line?.match(/^tenant (\d+)/)?.[1] ?? '';
  }
  const seedOne = (az = 'us-west-1a') =>
    seedInstance(client, { az, dataVolumes: [{ device: '/dev/sdf', sizeGiB: 10 }] });
  const jsonl = (...lines: unknown[]) =>
    `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
  const deploymentsNamed = (prefix: string) =>
    sql<{ id: string; name: string; nodes: string; version: string }>(
      `select d.id, d.name, d.version, string_agg(n.instance_id || '@' || n.availability_zone, ',' order by n.name) as nodes
         from deployments d join nodes n on n.deployment_id = d.id
        where d.name like ? group by d.id order by d.name`,
      [`${prefix}%`],
    );

  it('registers every line of a file, describing all instances of a region in one call; exit 0', async () => {
    const tenant = await newTenant();
    const [a, b, c] = [await seedOne('us-west-1a'), await seedOne('us-west-1b'), await seedOne('us-west-1a')];
    const dir = await mkdtemp(join(tmpdir(), 'admin-jsonl-'));
    const file = join(dir, 'deployments.jsonl');
    await writeFile(
      file,
      jsonl(
        {
          tenant: Number(tenant),
          name: 'file-1',
          region: 'us-west-1',
          instances: [a.instanceId, b.instanceId],
        },
        '',
        // The flags' forms work too: comma-separated instances, ids as strings, an int64 id beyond 2^53.
        `{"tenant": "${tenant}", "name": "file-2", "region": "us-west-1", "instances": "${c.instanceId}", "id": 611298765432109057, "version": "1.2.3"}`,
      ),
    );
    const before = adapters.length;
    const { code, out } = await adminRun(['deployment:register', '--jsonl', file]);
    expect(out).toEqual([
      expect.stringMatching(/^line 1: registered deployment \d+ \(2 nodes\)$/),
      'line 3: registered deployment 611298765432109057 (1 node)',
      'summary: 2 registered, 0 failed',
    ]);
    expect(code).toBe(0);
    // One adapter for the region, one DescribeInstances for the three instances of both lines.
    expect(adapters.length - before).toBe(1);
    expect(adapters.at(-1)?.counter.total({ action: 'DescribeInstances' })).toBe(1);
    expect(await deploymentsNamed('file-')).toEqual([
      {
        id: expect.any(String),
        name: 'file-1',
        version: '0.0.0',
        nodes: `${a.instanceId}@us-west-1a,${b.instanceId}@us-west-1b`,
      },
      { id: '611298765432109057', name: 'file-2', version: '1.2.3', nodes: `${c.instanceId}@us-west-1a` },
    ]);
  });

  it('reports each bad line by number and field, registers the good ones, and exits 1', async () => {
    const tenant = await newTenant();
    const [a, b] = [await seedOne(), await seedOne()];
    const line = (name: string, instances: string[], extra: object = {}) => ({
      tenant,
      name,
      region: 'us-west-1',
      instances,
      ...extra,
    });
    const { code, out } = await adminRun(
      ['deployment:register', '--jsonl', '-'],
      jsonl(
        line('mix-1', [a.instanceId]),
        '{"tenant": 1, "name": ',
        { tenant, region: 'us-west-1', instances: [b.instanceId] },
        line('mix-4', ['i-0123456789abcdef0']),
        line('mix-5', [b.instanceId], { storage: 'tape', instance: 'typo' }),
        line('mix-6', [b.instanceId], { tenant: '999999999' }),
        line('mix-7', [b.instanceId]),
      ),
    );
    expect(out).toEqual([
      expect.stringMatching(/^line 1: registered deployment \d+ \(1 node\)$/),
      expect.stringMatching(/^line 2: error: not valid JSON: /),
      'line 3: error: name: missing',
      expect.stringMatching(/^line 4: error: .*InvalidInstanceID\.NotFound.*i-0123456789abcdef0/),
      expect.stringMatching(/^line 5: error: storage: .*"network".*; unknown field "instance"$/),
      expect.stringMatching(/^line 6: error: .*foreign key/),
      expect.stringMatching(/^line 7: registered deployment \d+ \(1 node\)$/),
      'summary: 2 registered, 5 failed',
    ]);
    expect(code).toBe(1);
    expect((await deploymentsNamed('mix-')).map((d) => d.name)).toEqual(['mix-1', 'mix-7']);
  });

  it('reads standard input; all good lines exit 0', async () => {
    const tenant = await newTenant();
    const seeded = [await seedOne(), await seedOne(), await seedOne()];
    const { code, out } = await adminRun(
      ['deployment:register', '--jsonl', '-'],
      jsonl(
        ...seeded.map((s, i) => ({
          tenant,
          name: `stdin-${i}`,
          region: 'us-west-1',
          instances: [s.instanceId],
        })),
      ),
    );
    expect(out.at(-1)).toBe('summary: 3 registered, 0 failed');
    expect(code).toBe(0);
    expect(await deploymentsNamed('stdin-')).toHaveLength(3);
  });

  it('rejects --jsonl mixed with the single form, or a file it cannot read, as usage', async () => {
    await expect(
      admin('deployment:register', '--jsonl', '-', '--tenant', '1', '--name', 'x'),
    ).rejects.toThrow(new UsageError('--jsonl takes every field from its lines: drop --tenant, --name'));
    await expect(admin('deployment:register', '--jsonl', '/nonexistent/d.jsonl')).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(admin('deployment:register', '--jsonl')).rejects.toBeInstanceOf(UsageError);
  });

  it('runs as the script: stdin in, one line out per line, exit 1 when a line failed', async () => {
    const tenant = await newTenant();
    const s = await seedOne();
    const child = spawn(
      'node',
      [
        '--conditions=@backups/source',
        '--import',
        'tsx',
        'src/admin/cli.ts',
        'deployment:register',
        '--jsonl',
        '-',
      ],
      {
        cwd: new URL('..', import.meta.url).pathname,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          AWS_ENDPOINT_URL_EC2: emu.endpoint,
          AWS_REGION: 'us-west-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stdin.end(
      jsonl(
        // A line whose transaction fails must leave the connection usable for the next.
        { tenant: '999999999', name: 'proc-1', region: 'us-west-1', instances: [s.instanceId] },
        { tenant, name: 'proc-2', region: 'us-west-1', instances: [s.instanceId] },
      ),
    );
    const [code] = await once(child, 'close');
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^line 1: error: .*foreign key/),
      expect.stringMatching(/^line 2: registered deployment \d+ \(1 node\)$/),
      'summary: 1 registered, 1 failed',
    ]);
    expect(code).toBe(1);
  });
});
