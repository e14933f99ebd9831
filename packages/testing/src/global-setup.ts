import { createMigratingOrm } from '@backups/shared/db/migrator';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import './provided-context.js';
import { databaseUrl, TEST_ADMIN_DATABASE_URL, testDatabaseName } from './test-env.js';

// Runs once per vitest run: migrates a template database, which each test file
// then clones (CREATE DATABASE ... TEMPLATE is a file copy, ~100 ms), so every
// file gets its own database with migrations applied exactly once.

const STALE_AFTER_MS = 2 * 3600 * 1000;

async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'bt\\_%'",
  );
  for (const { datname } of rows) {
    const created = Number(datname.split('_')[2]);
    if (Number.isFinite(created) && Date.now() - created > STALE_AFTER_MS) {
      await admin.query(`drop database if exists "${datname}" with (force)`);
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await dropStaleDatabases(admin);
  const template = testDatabaseName('tpl');
  await admin.query(`create database "${template}"`);
  const orm = await createMigratingOrm({ databaseUrl: databaseUrl(template), poolMax: 1 });
  await orm.migrator.up();
  await orm.close(true);
  project.provide('templateDatabase', template);

  return async () => {
    await admin.query(`drop database if exists "${template}" with (force)`);
    await admin.end();
  };
}
