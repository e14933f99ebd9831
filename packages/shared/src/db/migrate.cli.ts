// Applies (or rolls back) the schema migrations.
//   pnpm db:migrate            apply everything pending (creates the database if missing)
//   pnpm db:migrate down       roll back the last migration
//   pnpm db:migrate down:all   roll back everything
//   pnpm db:migrate status     list applied and pending migrations
import { z } from 'zod';
import { databaseEnv, loadConfig } from '../config/env.js';
import { createMigratingOrm } from './migrator.js';
import { ensureDatabase } from './orm.js';

const config = loadConfig('migrate', z.object({ DATABASE_URL: databaseEnv.DATABASE_URL }));
const command = process.argv[2] ?? 'up';

if (await ensureDatabase(config.DATABASE_URL)) {
  process.stdout.write(`created database ${new URL(config.DATABASE_URL).pathname.slice(1)}\n`);
}
const orm = await createMigratingOrm({ databaseUrl: config.DATABASE_URL, poolMax: 1 });
try {
  const migrator = orm.migrator;
  switch (command) {
    case 'up': {
      const applied = await migrator.up();
      process.stdout.write(
        applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'schema is up to date\n',
      );
      break;
    }
    case 'down': {
      const reverted = await migrator.down();
      process.stdout.write(`reverted: ${reverted.map((m) => m.name).join(', ') || 'nothing'}\n`);
      break;
    }
    case 'down:all': {
      const reverted = await migrator.down({ to: 0 });
      process.stdout.write(`reverted: ${reverted.map((m) => m.name).join(', ') || 'nothing'}\n`);
      break;
    }
    case 'status': {
      const executed = await migrator.getExecuted();
      const pending = await migrator.getPending();
      for (const m of executed) process.stdout.write(`applied  ${m.name}\n`);
      for (const m of pending) process.stdout.write(`pending  ${m.name}\n`);
      break;
    }
    default:
      process.stderr.write(`unknown command "${command}" (use up, down, down:all or status)\n`);
      process.exitCode = 64;
  }
} finally {
  await orm.close();
}
