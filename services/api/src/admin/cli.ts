import { loadConfig } from '@backups/shared';
import { createOrm } from '@backups/shared/db';
import { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { adminEnvSchema } from '../env.js';
import { runAdminCommand, UsageError } from './admin-commands.js';

// pnpm --filter @backups/api admin <command> ...: wiring only.
const config = loadConfig('admin', adminEnvSchema);
const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: 2 });
const adapters: Ec2Adapter[] = [];
let exitCode = 0;
try {
  await runAdminCommand(process.argv.slice(2), {
    em: orm.em.fork() as EntityManager,
    ec2ForRegion: (region) => {
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
  await orm.close(true);
}
process.exit(exitCode);
