import {
  BACKUP_STATUSES,
  DEPLOYMENT_STATUSES,
  OPERATION_STATUSES,
  RESTORE_STATUSES,
  SNAPSHOT_STATES,
  UPGRADE_STATUSES,
} from '@backups/shared/enums';
import type { SourceFile } from './source-tree.js';
import { type SqlWrite, sqlStatements, sqlWrites, type WriteKind } from './sql-literals.js';

/**
 * Which module owns which table: only files under the owner's folder may
 * insert, update or delete the table's rows, through SQL or through MikroORM.
 */
export const TABLE_OWNERS: Record<string, { owner: string; entity: string; statusColumn?: string }> = {
  tenants: { owner: 'packages/shared/src/tenants/', entity: 'TenantSchema' },
  api_keys: { owner: 'packages/shared/src/tenants/', entity: 'ApiKeySchema' },
  deployments: {
    owner: 'packages/shared/src/deployments/',
    entity: 'DeploymentSchema',
    statusColumn: 'status',
  },
  nodes: { owner: 'packages/shared/src/deployments/', entity: 'NodeSchema' },
  volumes: { owner: 'packages/shared/src/deployments/', entity: 'VolumeSchema' },
  backups: { owner: 'packages/shared/src/backups/', entity: 'BackupSchema', statusColumn: 'status' },
  backup_snapshots: {
    owner: 'packages/shared/src/backups/',
    entity: 'BackupSnapshotSchema',
    statusColumn: 'state',
  },
  restores: { owner: 'packages/shared/src/restores/', entity: 'RestoreSchema', statusColumn: 'status' },
  restore_volumes: { owner: 'packages/shared/src/restores/', entity: 'RestoreVolumeSchema' },
  operations: { owner: 'packages/shared/src/operations/', entity: 'OperationSchema', statusColumn: 'status' },
  upgrades: { owner: 'packages/shared/src/upgrades/', entity: 'UpgradeSchema', statusColumn: 'status' },
  backup_schedules: { owner: 'packages/shared/src/schedules/', entity: 'BackupScheduleSchema' },
  cleanup_candidates: { owner: 'packages/shared/src/cleanup/', entity: 'CleanupCandidateSchema' },
};

const TABLE_BY_ENTITY = new Map(Object.entries(TABLE_OWNERS).map(([table, o]) => [o.entity, table]));

export interface TableWrite {
  file: string;
  line: number;
  table: string;
  kind: WriteKind;
  writesStatus: boolean;
  via: 'sql' | 'orm';
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** The text of a call's arguments: from just after `(` to its matching `)`. */
function callArguments(text: string, open: number): string {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '(') depth++;
    else if (text[k] === ')' && --depth === 0) return text.slice(open + 1, k);
  }
  return text.slice(open + 1);
}

// MikroORM calls that write the entity named as their first argument.
const ORM_WRITE =
  /\b(nativeUpdate|nativeDelete|nativeInsert|insert|insertMany|upsert|upsertMany|create)\s*(?:<[^>()]*>)?\s*\(\s*(\w+Schema)\b/g;
// A query builder writes when its chain (up to the statement's end) calls update/insert/delete.
const QUERY_BUILDER = /\b(?:createQueryBuilder|qb)\s*(?:<[^>()]*>)?\s*\(\s*(\w+Schema)\b/g;
const QB_WRITE = /\.\s*(update|insert|delete|truncate)\s*\(/;
const STATUS_PROPERTY = /\b(status|state)\s*:/;

function ormWrites(file: SourceFile): TableWrite[] {
  const writes: TableWrite[] = [];
  for (const m of file.text.matchAll(ORM_WRITE)) {
    const table = TABLE_BY_ENTITY.get(m[2] ?? '');
    if (!table) continue;
    const method = m[1] ?? '';
    const args = callArguments(file.text, file.text.indexOf('(', m.index + method.length));
    const kind: WriteKind = method.includes('Delete')
      ? 'delete'
      : method.includes('Update')
        ? 'update'
        : 'insert';
    writes.push({
      file: file.path,
      line: lineOf(file.text, m.index),
      table,
      kind,
      writesStatus: kind !== 'delete' && STATUS_PROPERTY.test(args),
      via: 'orm',
    });
  }
  for (const m of file.text.matchAll(QUERY_BUILDER)) {
    const table = TABLE_BY_ENTITY.get(m[1] ?? '');
    if (!table) continue;
    const rest = file.text.slice(m.index);
    const chain = rest.slice(0, rest.search(/;|\n\s*\n/) + 1 || rest.length);
    const write = QB_WRITE.exec(chain);
    if (!write) continue;
    const verb = write[1] ?? 'update';
    const kind: WriteKind = verb === 'insert' ? 'insert' : verb === 'update' ? 'update' : 'delete';
    writes.push({
      file: file.path,
      line: lineOf(file.text, m.index),
      table,
      kind,
      writesStatus: kind !== 'delete' && STATUS_PROPERTY.test(chain.slice(write.index)),
      via: 'orm',
    });
  }
  return writes;
}

/** Every write to a known table a file makes, through SQL text or MikroORM. */
export function tableWrites(file: SourceFile): TableWrite[] {
  const sql = sqlStatements(file.text)
    .flatMap(sqlWrites)
    .filter((w: SqlWrite) => w.table in TABLE_OWNERS)
    .map((w): TableWrite => ({ file: file.path, ...w, via: 'sql' }));
  return [...sql, ...ormWrites(file)];
}

/** The writes made outside the table's owner module. */
export function writesOutsideOwners(files: readonly SourceFile[]): TableWrite[] {
  return files.flatMap(tableWrites).filter((w) => !w.file.startsWith(TABLE_OWNERS[w.table]?.owner ?? '\0'));
}

// Every status and snapshot state the owners declare: a new one is covered as soon as it exists.
const STATUS_WORDS = [
  ...new Set<string>([
    ...BACKUP_STATUSES,
    ...SNAPSHOT_STATES,
    ...RESTORE_STATUSES,
    ...UPGRADE_STATUSES,
    ...OPERATION_STATUSES,
    ...DEPLOYMENT_STATUSES,
  ]),
];
const STATUS_LITERAL_IN_SQL = new RegExp(`'(${STATUS_WORDS.join('|')})'`);

export interface StatusLiteral {
  file: string;
  line: number;
  status: string;
}

/** SQL text that spells a status out (`status in ('pending', …)`), where a named set belongs. */
export function statusLiteralsInSql(file: SourceFile): StatusLiteral[] {
  return sqlStatements(file.text).flatMap((s) => {
    const m = STATUS_LITERAL_IN_SQL.exec(s.text);
    return m ? [{ file: file.path, line: s.line, status: m[1] ?? '' }] : [];
  });
}

/** Which module a file belongs to when none owns a table: its package, or its domain folder in shared. */
export function isUnderAnOwner(path: string): boolean {
  return Object.values(TABLE_OWNERS).some((o) => path.startsWith(o.owner));
}

// Writes through a loaded entity: a status assigned on it, or the entity handed
// to the unit of work (`em.assign`, `em.persist`, `wrap(e).assign`) to flush.
// Which table is not visible from the source, so outside the owners none is allowed.
const ENTITY_MUTATION =
  /(\.\s*(?:status|state)\s*=(?!=)|\b(?:assign|persist|persistAndFlush)\s*\(|\bwrap\s*\()/g;

export interface EntityMutation {
  file: string;
  line: number;
  code: string;
}

/** Entity mutations outside the owner modules (`Object.assign` is plain JavaScript, not one). */
export function entityMutationsOutsideOwners(files: readonly SourceFile[]): EntityMutation[] {
  return files
    .filter((f) => !isUnderAnOwner(f.path))
    .flatMap((f) =>
      [...f.text.matchAll(ENTITY_MUTATION)]
        .filter((m) => !/Object\s*\.\s*$/.test(f.text.slice(Math.max(0, m.index - 10), m.index)))
        .map((m) => ({ file: f.path, line: lineOf(f.text, m.index), code: m[0] })),
    );
}
