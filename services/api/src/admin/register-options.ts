import type { DiscoveredNode, NewDeployment } from '@backups/shared/deployments';
import { CLOUDS, STORAGE_TYPES } from '@backups/shared/enums';
import { idString } from '@backups/shared/ids';
import { z } from 'zod';

// Option values arrive as strings (flags); JSON lines are turned into the same
// strings first (register-line.ts), so both forms are validated by one schema.

export const idOption = z
  .string()
  .pipe(idString)
  .transform((s) => BigInt(s));

export const listOption = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** deployment:register's options: its flags, or the fields of one `--jsonl` line. */
export const registerOptions = z.object({
  tenant: idOption,
  name: z.string().min(1),
  region: z.string().min(1),
  instances: listOption.pipe(
    z.array(z.string().regex(/^i-[0-9a-f]{8,17}$/, 'must be an EC2 instance id')).min(1),
  ),
  id: idOption.optional(),
  storage: z.enum(STORAGE_TYPES).default('network'),
  cloud: z.enum(CLOUDS).default('aws'),
  version: z.string().min(1).default('0.0.0'),
});

export type RegisterOptions = z.infer<typeof registerOptions>;

export function toNewDeployment(o: RegisterOptions, nodes: DiscoveredNode[]): NewDeployment {
  return {
    ...(o.id ? { id: o.id } : {}),
    tenantId: o.tenant,
    name: o.name,
    cloud: o.cloud,
    region: o.region,
    storageType: o.storage,
    version: o.version,
    nodes,
  };
}
