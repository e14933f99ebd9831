import { Migrator } from '@mikro-orm/migrations';
import { MIGRATIONS } from './migrations/index.js';
import { createOrm, type Orm, type OrmOptions } from './orm.js';

// Only what applies the schema (the migrate CLI, the local run, the tests'
// template database, the benchmarks) loads @mikro-orm/migrations and the
// migration classes: services never migrate, and the package costs each
// process start-up time and several MiB of RSS.

export { MIGRATIONS };

/** An ORM whose `orm.migrator` applies and rolls back this repository's migrations. */
export function createMigratingOrm(opts: OrmOptions): Promise<Orm> {
  return createOrm(opts, {
    extensions: [Migrator],
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'schema_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  });
}
