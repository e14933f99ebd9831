import { loadConfig } from '@backups/shared/config';
import type { Ec2Adapter } from '@backups/shared/ec2';
import { adminEnvSchema } from '../env.js';
import { runAdminCommand, UsageError } from './admin-commands.js';
import { lazyPgSql } from './pg-sql.js';

// pnpm --filter @backups/api admin <command> ...: wiring only. Operators run it
// often and in loops, so start-up is kept to what every command needs (zod, pg):
// the AWS SDK is imported on the first EC2 call, and the database is plain pg
// (see pg-sql.ts), connected on the first query.
const config = loadConfig('admin', adminEnvSchema);
const sql = lazyPgSql(config.DATABASE_URL);
const adapters: Ec2Adapter[] = [];
let exitCode = 0;
try {
  exitCode = await runAdminCommand(process.argv.slice(2), {
    sql,
    ec2ForRegion: async (region) => {
      const { Ec2Adapter } = await import('@backups/shared/ec2');
      const adapter = new Ec2Adapter({ region, endpoint: config.AWS_ENDPOINT_URL_EC2 });
      adapters.push(adapter);
      return adapter;
    },
    print: (line) => process.stdout.write(`${line}\n`),
  });
} catch (err) {
  process.stderr.write(
    `${err instanceof UsageError ? err.message : ((err as Error).stack ?? String(err))}\n`,
  );
  exitCode = err instanceof UsageError ? 64 : 1;
} finally {
  for (const a of adapters) a.destroy();
  await sql.close();
}
process.exit(exitCode);
