// The test harness's only configuration: where Postgres and Redis are.
// Defaults match the project's machines and .ci/run.
export const TEST_ADMIN_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Test databases are named bt_<epoch ms>_<random> so stale ones can be recognised by age. */
export function testDatabaseName(kind: 'tpl' | 'db'): string {
  return `bt_${kind}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
}
