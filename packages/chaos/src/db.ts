import pg from 'pg';

// The soak's own Postgres connections: reads for the load's choices, the
// settle and the checks, and the fault that terminates the fleet's backends.
// They carry their own application_name so that the fault spares them.

export const CHAOS_APPLICATION = 'backups-chaos';

export class ChaosDb {
  private readonly pool: pg.Pool;

  constructor(
    databaseUrl: string,
    private readonly databaseName: string,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 3, application_name: CHAOS_APPLICATION });
    // An idle connection that breaks is replaced on the next query; it must not crash the soak.
    this.pool.on('error', () => {});
  }

  async rows<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /** Terminates every backend of the fleet's database but ours; how many it terminated. */
  async terminateFleetBackends(): Promise<number> {
    const [row] = await this.rows<{ n: number }>(
      `select count(*)::int as n from (
         select pg_terminate_backend(pid) from pg_stat_activity
         where datname = $1 and pid <> pg_backend_pid() and application_name <> $2
       ) t`,
      [this.databaseName, CHAOS_APPLICATION],
    );
    return row?.n ?? 0;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Drops the run's database, whoever is still connected. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}
