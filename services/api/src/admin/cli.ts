import { loadConfig } from '@backups/shared/config';
import type { Orm } from '@backups/shared/db';
import type { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';
import { adminEnvSchema } from '../env.js';
import { runAdminCommand, UsageError } from './admin-commands.js';

// pnpm --filter @backups/api admin <command> ...: wiring only. Operators run it
// often and in loops, so start-up is kept to what every command needs: the AWS
// SDK is imported on the first EC2 call, and the ORM on the first database
// call, so a usage error loads neither.
const config = loadConfig('admin', adminEnvSchema);
const db = lazyOrm(config.DATABASE_URL);
const adapters: Ec2Adapter[] = [];
let exitCode = 0;
try {
  exitCode = await runAdminCommand(process.argv.slice(2), {
    em: db.em,
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
  await db.close();
}
process.exit(exitCode);

/**
 * The ORM, started on the first em() call, with one connection: the CLI does one
 * thing at a time. Built with MikroORM's constructor rather than createOrm's
 * MikroORM.init, which first probes for the optional extensions (migrator,
 * seeder, entity generator: modules the CLI would load for nothing) and connects
 * before the first query; here the first query connects.
 */
function lazyOrm(databaseUrl: string): { em(): Promise<EntityManager>; close(): Promise<void> } {
  let orm: Promise<Orm> | null = null;
  const start = async (): Promise<Orm> => {
    const [{ MikroORM }, { ormOptions }] = await Promise.all([
      import('@mikro-orm/postgresql'),
      import('@backups/shared/db'),
    ]);
    return new MikroORM(ormOptions({ databaseUrl, poolMax: 1 }));
  };
  return {
    async em() {
      orm ??= start();
      return (await orm).em.fork();
    },
    async close() {
      // An ORM that never started has nothing to close (its error was already reported).
      await orm?.then(
        (o) => o.close(),
        () => undefined,
      );
    },
  };
}
