import { parseArgs } from 'node:util';
import { CLOUDS, idString, PERMISSIONS, type Permission, PLANS, STORAGE_TYPES } from '@backups/shared';
import type { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { createApiKey, revokeApiKey } from './api-keys.admin.js';
import { registerDeployment } from './deployments.admin.js';
import { discoverNodes } from './ec2-discovery.js';
import { listOperations } from './operations.admin.js';
import { createTenant } from './tenants.admin.js';

export interface AdminDeps {
  em: EntityManager;
  /** An EC2 adapter for a region (the CLI builds it from AWS_REGION / AWS_ENDPOINT_URL_EC2). */
  ec2ForRegion(region: string): Ec2Adapter;
  print(line: string): void;
}

export class UsageError extends Error {}

export const USAGE = `usage: admin <command> [options]
  tenant:create --name <name> --plan basic|pro|enterprise [--backup-limit <n>]
  key:create --tenant <id> --name <name> --permissions deployment:read,deployment:manage [--expires-in-days <n>]
  key:revoke --id <id>
  deployment:register --tenant <id> --name <name> --region <region> --instances i-a,i-b
                      [--id <int64>] [--storage network|nvme] [--cloud aws|gcp|azure] [--version <v>]
  operations:list [--deployment <id>]`;

const id = z
  .string()
  .pipe(idString)
  .transform((s) => BigInt(s));
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const SCHEMAS = {
  'tenant:create': z.object({
    name: z.string().min(1).max(200),
    plan: z.enum(PLANS),
    'backup-limit': z.coerce.number().int().min(0).optional(),
  }),
  'key:create': z.object({
    tenant: id,
    name: z.string().min(1),
    permissions: list.pipe(z.array(z.enum(PERMISSIONS)).min(1)),
    'expires-in-days': z.coerce.number().int().min(1).max(3650).optional(),
  }),
  'key:revoke': z.object({ id }),
  'deployment:register': z.object({
    tenant: id,
    name: z.string().min(1),
    region: z.string().min(1),
    instances: list.pipe(
      z.array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id')).min(1),
    ),
    id: id.optional(),
    storage: z.enum(STORAGE_TYPES).default('network'),
    cloud: z.enum(CLOUDS).default('aws'),
    version: z.string().min(1).default('0.0.0'),
  }),
  'operations:list': z.object({ deployment: id.optional() }),
} as const;

type Command = keyof typeof SCHEMAS;

function parse<C extends Command>(command: C, args: string[]): z.infer<(typeof SCHEMAS)[C]> {
  const schema = SCHEMAS[command];
  const options = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return result.data as z.infer<(typeof SCHEMAS)[C]>;
}

/** Runs one admin command; throws UsageError for bad arguments. */
export async function runAdminCommand(argv: string[], deps: AdminDeps): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'tenant:create': {
      const o = parse(command, args);
      const tenantId = await createTenant(deps.em, {
        name: o.name,
        plan: o.plan,
        backupLimitOverride: o['backup-limit'] ?? null,
      });
      deps.print(`tenant ${tenantId} created (${o.plan})`);
      return;
    }
    case 'key:create': {
      const o = parse(command, args);
      const expiresAt = o['expires-in-days']
        ? new Date(Date.now() + o['expires-in-days'] * 86_400_000)
        : null;
      const key = await createApiKey(deps.em, {
        tenantId: o.tenant,
        name: o.name,
        permissions: o.permissions as Permission[],
        expiresAt,
      });
      deps.print(`key ${key.id} created for tenant ${o.tenant} (${o.permissions.join(', ')})`);
      deps.print('secret (shown once, store it now):');
      deps.print(key.secret);
      return;
    }
    case 'key:revoke': {
      const o = parse(command, args);
      const revoked = await revokeApiKey(deps.em, o.id);
      deps.print(revoked ? `key ${o.id} revoked` : `key ${o.id} not found or already revoked`);
      return;
    }
    case 'deployment:register': {
      const o = parse(command, args);
      const nodes = await discoverNodes(deps.ec2ForRegion(o.region), o.instances);
      const { id: deploymentId, nodeIds } = await registerDeployment(deps.em, {
        ...(o.id ? { id: o.id } : {}),
        tenantId: o.tenant,
        name: o.name,
        cloud: o.cloud,
        region: o.region,
        storageType: o.storage,
        version: o.version,
        nodes,
      });
      deps.print(`deployment ${deploymentId} registered with ${nodes.length} node(s)`);
      nodes.forEach((n, i) => {
        deps.print(
          `  node ${nodeIds[i]} ${n.instanceId} ${n.availabilityZone}: ${n.volumes.map((v) => `${v.deviceName}=${v.volumeId} (${v.sizeGiB} GiB ${v.volumeType})`).join(', ')}`,
        );
      });
      return;
    }
    case 'operations:list': {
      const o = parse(command, args);
      const ops = await listOperations(deps.em, o.deployment ?? null);
      deps.print('id\tdeployment\tkind\tstatus\ttarget\tattempts\tcreated_at\terror');
      for (const op of ops) deps.print(op.join('\t'));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}\n${USAGE}` : USAGE);
  }
}
