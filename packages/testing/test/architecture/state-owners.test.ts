import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isProductionSource,
  listFiles,
  productionSources,
  REPO_ROOT,
  readSource,
} from '../../src/architecture/source-tree.js';
import {
  entityMutationsOutsideOwners,
  statusLiteralsInSql,
  tableWrites,
  writesOutsideOwners,
} from '../../src/architecture/table-owners.js';

// Each table is written only by the module that owns it (CONTRIBUTING, "Where
// state lives"): a structural check over the production source.

const sources = productionSources();
const where = (found: Array<{ file: string; line: number }>) => found.map((f) => `${f.file}:${f.line}`);

describe('where state lives', () => {
  it('reads the production source of every deployable and of shared', () => {
    const roots = new Set(sources.map((f) => f.path.split('/').slice(0, 2).join('/')));
    for (const root of ['services/api', 'services/worker', 'services/scheduler', 'packages/shared'])
      expect(roots).toContain(root);
  });

  it('no module writes a table it does not own', () => {
    expect(where(writesOutsideOwners(sources))).toEqual([]);
  });

  it('no module outside the owners changes a loaded entity', () => {
    expect(where(entityMutationsOutsideOwners(sources))).toEqual([]);
  });

  it('no SQL outside an owner spells a status out', () => {
    const outside = sources.filter(
      (f) =>
        !f.path.startsWith('packages/shared/src/') ||
        !/\/src\/(tenants|deployments|backups|restores|operations|upgrades|schedules|cleanup)\//.test(f.path),
    );
    expect(where(outside.flatMap(statusLiteralsInSql))).toEqual([]);
  });
});

describe('the check finds what it looks for', () => {
  const file = (path: string, text: string) => ({ path, text });

  it('finds SQL and MikroORM writes, and whether they set the status', () => {
    const f = file(
      'services/worker/src/x.ts',
      `
      await em.execute(\`update backups b set status = 'failed', updated_at = now() where b.id = ?\`, [id]);
      await em.execute('insert into operations (deployment_id, kind, status) values (?, ?, ?)', []);
      // update backups set status = 'x' (a comment is not a statement)
      await em.nativeUpdate(RestoreSchema, { id }, { status: 'failed' });
      em.create(UpgradeSchema, { deploymentId, version });
      await em.createQueryBuilder(DeploymentSchema).update({ status: 'running' }).where({ id });
      await em.createQueryBuilder(DeploymentSchema).select('*').where({ id });
      await em.find(BackupSchema, { status: 'completed' });
      `,
    );
    expect(tableWrites(f).map((w) => [w.table, w.kind, w.writesStatus, w.via])).toEqual([
      ['backups', 'update', true, 'sql'],
      ['operations', 'insert', true, 'sql'],
      ['restores', 'update', true, 'orm'],
      ['upgrades', 'insert', false, 'orm'],
      ['deployments', 'update', true, 'orm'],
    ]);
    expect(statusLiteralsInSql(f).map((s) => s.status)).toEqual(['failed']);
  });

  it('lets an owner write its own table, and only its own', () => {
    const owner = file(
      'packages/shared/src/backups/transitions.ts',
      "await em.nativeUpdate(BackupSchema, { id }, { status: 'deleted' });",
    );
    const trespasser = file(
      'packages/shared/src/backups/other.ts',
      'await em.nativeDelete(OperationSchema, { id });',
    );
    expect(where(writesOutsideOwners([owner, trespasser]))).toEqual([
      'packages/shared/src/backups/other.ts:1',
    ]);
  });

  it('finds a loaded entity changed outside the owners, not Object.assign', () => {
    const f = file(
      'services/api/src/x.ts',
      "backup.status = 'deleting';\nem.assign(restore, { step: 'x' });\nObject.assign(target, defaults);\nif (a.status === 'x') {}",
    );
    expect(entityMutationsOutsideOwners([f]).map((m) => m.line)).toEqual([1, 2]);
    expect(entityMutationsOutsideOwners([{ ...f, path: 'packages/shared/src/backups/y.ts' }])).toEqual([]);
  });

  it('counts tests, migrations and the harness out of production source', () => {
    expect(isProductionSource('services/api/src/routes/index.ts')).toBe(true);
    expect(isProductionSource('services/api/src/routes/x.test.ts')).toBe(false);
    expect(isProductionSource('packages/shared/src/db/migrations/0001-initial-schema.ts')).toBe(false);
    expect(isProductionSource('packages/testing/src/fixtures.ts')).toBe(false);
  });
});

// services/* are the deployables, packages/local-fleet runs them together
// locally: none imports another's code (tests and benchmarks included), so
// each can change and ship alone. What two of them need lives in shared.
const DEPLOYABLES: Record<string, string> = {
  'services/api/': '@backups/api',
  'services/worker/': '@backups/worker',
  'services/scheduler/': '@backups/scheduler',
  'packages/local-fleet/': '@backups/local-fleet',
};
const IMPORT = /\b(?:from|import)\s*\(?\s*['"](@backups\/[\w-]+|(?:\.\.\/)+(?:services|packages)\/[\w-]+)/g;

describe('deployables', () => {
  it('never import one another', () => {
    const found: string[] = [];
    for (const path of listFiles().filter(
      (p) => /\.(ts|mjs|js)$/.test(p) && existsSync(join(REPO_ROOT, p)),
    )) {
      const home = Object.keys(DEPLOYABLES).find((root) => path.startsWith(root));
      if (!home) continue;
      const text = readSource(path).text;
      for (const m of text.matchAll(IMPORT)) {
        const target = m[1] ?? '';
        const other = Object.entries(DEPLOYABLES).find(
          ([root, name]) => root !== home && (target === name || target.endsWith(root.replace(/\/$/, ''))),
        );
        if (other) found.push(`${path} imports ${target}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('declare no dependency on one another', () => {
    const found: string[] = [];
    for (const [root, name] of Object.entries(DEPLOYABLES)) {
      const pkg = JSON.parse(readSource(`${root}package.json`).text) as Record<
        string,
        Record<string, string>
      >;
      const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
      for (const other of Object.values(DEPLOYABLES))
        if (other !== name && deps.includes(other)) found.push(`${name} → ${other}`);
    }
    expect(found).toEqual([]);
  });
});
