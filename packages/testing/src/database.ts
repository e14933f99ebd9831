import { createOrm, type Orm } from '@backups/shared/db';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import './provided-context.js';
import { databaseUrl, TEST_ADMIN_DATABASE_URL, testDatabaseName } from './test-env.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly orm: Orm;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (no migrations) and returns its name; the caller drops it. */
export async function createEmptyDatabase(): Promise<string> {
  const name = testDatabaseName('db');
  await withAdmin((c) => c.query(`create database "${name}"`));
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));
}

/**
 * Gives the calling test file its own migrated database, cloned from the run's
 * template, with an ORM connected to it; dropped when the file finishes.
 */
export function useTestDatabase(): TestDatabase {
  let state: TestDatabase | undefined;
  beforeAll(async () => {
    const name = testDatabaseName('db');
    const template = inject('templateDatabase');
    await withAdmin((c) => c.query(`create database "${name}" template "${template}"`));
    const url = databaseUrl(name);
    state = { name, url, orm: await createOrm({ databaseUrl: url, poolMax: 20 }) };
  });
  afterAll(async () => {
    if (!state) return;
    await state.orm.close(true);
    await dropDatabase(state.name);
  });
  const get = (): TestDatabase => {
    if (!state) throw new Error('useTestDatabase() is only usable inside tests and hooks');
    return state;
  };
  return {
    get name() {
      return get().name;
    },
    get url() {
      return get().url;
    },
    get orm() {
      return get().orm;
    },
  };
}
