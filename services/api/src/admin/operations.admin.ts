import { type ListedOperation, listOperations } from '@backups/shared/operations';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Operations newest first (500 at most), as rows of printable cells. */
export async function operationRows(em: EntityManager, deploymentId: bigint | null): Promise<string[][]> {
  return (await listOperations(em, deploymentId)).map((op) => [
    op.id.toString(),
    op.deploymentId.toString(),
    op.kind,
    op.status,
    target(op),
    String(op.attempts),
    asPostgresPrints(op.createdAt),
    op.error ?? '',
  ]);
}

/** What the operation works on, e.g. "backup 12" or "backup 12 restore 3". */
function target(op: ListedOperation): string {
  return [
    op.backupId == null ? '' : `backup ${op.backupId}`,
    op.restoreId == null ? '' : `restore ${op.restoreId}`,
    op.upgradeId == null ? '' : `upgrade ${op.upgradeId}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The listing printed timestamps as Postgres prints timestamptz (UTC), e.g. 2026-01-15 10:30:00.5+00; keep that. */
function asPostgresPrints(at: Date): string {
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.?0*Z$/, '+00');
}
