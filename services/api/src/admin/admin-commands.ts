import { parseArgs } from 'node:util';
import { discoverNodes, registerDeployment } from '@backups/shared/deployments';
import { PERMISSIONS, type Permission, PLANS } from '@backups/shared/enums';
import { createApiKey, createTenant, revokeApiKey } from '@backups/shared/tenants';
import { z } from 'zod';
import { type AdminDeps, UsageError } from './admin-deps.js';
import { operationRows } from './operations.admin.js';
import { idOption as id, listOption as list, registerOptions, toNewDeployment } from './register-options.js';

export { type AdminDeps, UsageError } from './admin-deps.js';

// Everything imported here loads on every CLI run, so it stays light: the
// tables' owners and their entities, but no AWS SDK (the CLI's ec2ForRegion
// loads it) and no ORM driver (the CLI's em() starts it); the --jsonl batch is
// imported only when used.

export const USAGE = `usage: admin <command> [options]
  tenant:create --name <name> --plan basic|pro|enterprise [--backup-limit <n>]
  key:create --tenant <id> --name <name> --permissions deployment:read,deployment:manage [--expires-in-days <n>]
  key:revoke --id <id>
  deployment:register --tenant <id> --name <name> --region <region> --instances i-a,i-b
                      [--id <int64>] [--storage network|nvme] [--cloud aws|gcp|azure] [--version <v>]
  deployment:register --jsonl <file>|-     many at once: one JSON object a line, fields named as the flags
  operations:list [--deployment <id>]`;

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
  'deployment:register': registerOptions,
  'operations:list': z.object({ deployment: id.optional() }),
} as const;

type Command = keyof typeof SCHEMAS;

/** The command's flags as strings; `extra` are flags outside its schema. */
function readFlags(command: Command, args: string[], extra: string[] = []): Record<string, string> {
  const names = [...Object.keys(SCHEMAS[command].shape), ...extra];
  const options = Object.fromEntries(names.map((k) => [k, { type: 'string' as const }]));
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string
    >;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function validate<C extends Command>(
  command: C,
  values: Record<string, string>,
): z.infer<(typeof SCHEMAS)[C]> {
  const result = SCHEMAS[command].safeParse(values);
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return result.data as z.infer<(typeof SCHEMAS)[C]>;
}

function parse<C extends Command>(command: C, args: string[]): z.infer<(typeof SCHEMAS)[C]> {
  return validate(command, readFlags(command, args));
}

/** Runs one admin command and gives its exit code (1: some --jsonl lines failed); throws UsageError for bad arguments. */
export async function runAdminCommand(argv: string[], deps: AdminDeps): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case '--help':
    case '-h':
    case 'help':
      deps.print(USAGE);
      return 0;
    case 'tenant:create': {
      const o = parse(command, args);
      const tenantId = await createTenant(await deps.em(), {
        name: o.name,
        plan: o.plan,
        backupLimitOverride: o['backup-limit'] ?? null,
      });
      deps.print(`tenant ${tenantId} created (${o.plan})`);
      return 0;
    }
    case 'key:create': {
      const o = parse(command, args);
      const expiresAt = o['expires-in-days']
        ? new Date(Date.now() + o['expires-in-days'] * 86_400_000)
        : null;
      const key = await createApiKey(await deps.em(), {
        tenantId: o.tenant,
        name: o.name,
        permissions: o.permissions as Permission[],
        expiresAt,
      });
      deps.print(`key ${key.id} created for tenant ${o.tenant} (${o.permissions.join(', ')})`);
      deps.print('secret (shown once, store it now):');
      deps.print(key.secret);
      return 0;
    }
    case 'key:revoke': {
      const o = parse(command, args);
      const revoked = await revokeApiKey(await deps.em(), o.id);
      deps.print(revoked ? `key ${o.id} revoked` : `key ${o.id} not found or already revoked`);
      return 0;
    }
    case 'deployment:register': {
      const flags = readFlags(command, args, ['jsonl']);
      if (flags.jsonl !== undefined) {
        const others = Object.keys(flags).filter((k) => k !== 'jsonl');
        if (others.length > 0) {
          throw new UsageError(`--jsonl takes every field from its lines: drop --${others.join(', --')}`);
        }
        const { registerLines } = await import('./register-lines.js');
        return registerLines(flags.jsonl, deps);
      }
      const o = validate(command, flags);
      const nodes = await discoverNodes(await deps.ec2ForRegion(o.region), o.instances);
      const { id: deploymentId, nodeIds } = await registerDeployment(
        await deps.em(),
        toNewDeployment(o, nodes),
      );
      deps.print(`deployment ${deploymentId} registered with ${nodes.length} node(s)`);
      nodes.forEach((n, i) => {
        deps.print(
          `  node ${nodeIds[i]} ${n.instanceId} ${n.availabilityZone}: ${n.volumes.map((v) => `${v.deviceName}=${v.volumeId} (${v.sizeGiB} GiB ${v.volumeType})`).join(', ')}`,
        );
      });
      return 0;
    }
    case 'operations:list': {
      const o = parse(command, args);
      const ops = await operationRows(await deps.em(), o.deployment ?? null);
      deps.print('id\tdeployment\tkind\tstatus\ttarget\tattempts\tcreated_at\terror');
      for (const op of ops) deps.print(op.join('\t'));
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}\n${USAGE}` : USAGE);
  }
}
