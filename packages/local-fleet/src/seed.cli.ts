// Seeds the demo tenant, key and two-node deployment into an already running
// fleet whose EC2 endpoint is an emulator (docker compose's `seed` service).
//   DATABASE_URL=… AWS_ENDPOINT_URL_EC2=http://ec2-emulator:4566 pnpm --filter @backups/local-fleet seed
import { loadConfig } from '@backups/shared';
import { createOrm } from '@backups/shared/db';
import { z } from 'zod';
import { seedDemo } from './seed-demo.js';

const config = loadConfig(
  'demo seed',
  z.object({
    DATABASE_URL: z.url(),
    AWS_REGION: z.string().min(1).default('us-west-1'),
    AWS_ENDPOINT_URL_EC2: z.url(),
  }),
);
const orm = await createOrm({ databaseUrl: config.DATABASE_URL, poolMax: 2 });
try {
  const seed = await seedDemo(orm.em.fork(), {
    endpoint: config.AWS_ENDPOINT_URL_EC2,
    region: config.AWS_REGION,
  });
  process.stdout.write(
    `demo tenant ${seed.tenantId}, deployment ${seed.deploymentId}${seed.recreated ? ' (created)' : ''}\n` +
      `demo key: ${seed.apiKey}\n`,
  );
} finally {
  await orm.close();
}
