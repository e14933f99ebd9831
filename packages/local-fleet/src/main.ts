// `pnpm dev`: the whole fleet on this machine, no AWS account needed.
// Checks Postgres and Redis, migrates, starts the EC2 emulator, seeds a demo
// tenant, key and two-node deployment, starts the API, the workers and the
// scheduler, and prints where everything is. Ctrl-C stops all of it.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startEc2Emulator } from '@backups/ec2-emulator';
import { loadConfig } from '@backups/shared';
import { ensureDatabase } from '@backups/shared/db';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { localFleetEnv } from './env.js';
import { preflight } from './preflight.js';
import { Fleet } from './processes.js';
import { seedDemo } from './seed-demo.js';

const config = loadConfig('local fleet', localFleetEnv);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const say = (line = '') => process.stdout.write(`${line}\n`);
// A fixed default would be a known password on every machine that runs this;
// a fresh one per run is printed once in the banner below.
const operatorPassword = config.OPERATOR_PASSWORD ?? randomBytes(18).toString('base64url');

const problems = await preflight(config.DATABASE_URL, config.REDIS_URL);
if (problems.length) {
  for (const p of problems) process.stderr.write(`✗ ${p}\n`);
  process.exit(1);
}

await ensureDatabase(config.DATABASE_URL);
const orm = await createMigratingOrm({ databaseUrl: config.DATABASE_URL, poolMax: 2 });
await orm.migrator.up();

const emulator = await startEc2Emulator({
  port: config.EC2_EMULATOR_PORT,
  host: '127.0.0.1',
  region: config.AWS_REGION,
  timeScale: config.EC2_TIME_SCALE,
});
const seed = await seedDemo(orm.em.fork(), { endpoint: emulator.endpoint, region: config.AWS_REGION });
await orm.close();

const common = {
  DATABASE_URL: config.DATABASE_URL,
  REDIS_URL: config.REDIS_URL,
  QUEUE_PREFIX: config.QUEUE_PREFIX,
  LOG_LEVEL: config.LOG_LEVEL,
  LOG_PRETTY: String(config.LOG_PRETTY),
  AWS_REGION: config.AWS_REGION,
  AWS_ENDPOINT_URL_EC2: emulator.endpoint,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

let shuttingDown = false;
const fleet = new Fleet(repoRoot, say, (name, code) => {
  process.stderr.write(`✗ ${name} exited unexpectedly (code ${code}); stopping the fleet\n`);
  void shutdown(1);
});

fleet.start({
  name: 'api',
  entry: 'services/api/src/main.ts',
  env: {
    ...common,
    PORT: String(config.API_PORT),
    METRICS_PORT: String(config.API_METRICS_PORT),
    HOST: '127.0.0.1',
    OPERATOR_USER: config.OPERATOR_USER,
    OPERATOR_PASSWORD: operatorPassword,
  },
});
for (let i = 1; i <= config.WORKERS; i++) {
  fleet.start({
    name: `worker-${i}`,
    entry: 'services/worker/src/main.ts',
    // Poll EC2 every 2 s (not 15 s) so the demo shows progress as it happens, and
    // space snapshots of a volume by EBS's 15 s on the emulator's clock.
    env: {
      ...common,
      METRICS_PORT: String(config.WORKER_METRICS_BASE_PORT + i - 1),
      POLL_INTERVAL_MS: '2000',
      SNAPSHOT_VOLUME_SPACING_MS: String(Math.round(15_000 * config.EC2_TIME_SCALE)),
    },
  });
}
fleet.start({
  name: 'scheduler',
  entry: 'services/scheduler/src/main.ts',
  env: { ...common, METRICS_PORT: String(config.SCHEDULER_METRICS_PORT) },
});

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) {
    // A second Ctrl-C while stopping: stop now, leaving nothing behind.
    fleet.kill();
    process.exit(130);
  }
  shuttingDown = true;
  say('\nstopping the fleet…');
  await fleet.stop();
  await emulator.stop();
  say('stopped.');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function waitForApi(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const api = `http://127.0.0.1:${config.API_PORT}`;
if (await waitForApi(api, 60_000)) {
  const d = seed.deploymentId;
  say();
  say('━━━ Backups service: local fleet is up ━━━');
  say(`API             ${api}`);
  say(`API reference   ${api}/docs   (OpenAPI: ${api}/openapi.json)`);
  say(`Console         ${api}/console/deployments/${d}   (paste the demo key)`);
  say(`Bull Board      ${api}/admin/queues   (user ${config.OPERATOR_USER}, password ${operatorPassword})`);
  say(
    `Metrics         http://127.0.0.1:${config.API_METRICS_PORT}/metrics   (API; workers from ${config.WORKER_METRICS_BASE_PORT}, scheduler ${config.SCHEDULER_METRICS_PORT})`,
  );
  say(
    `EC2 emulator    ${emulator.endpoint}   (time scale ${config.EC2_TIME_SCALE}; state at ${emulator.endpoint}/_emulator/state)`,
  );
  say(`Demo key        ${seed.apiKey}`);
  say(`Deployment      ${d}${seed.recreated ? ' (created with two nodes in the emulator)' : ''}`);
  say();
  say('Create a backup:');
  say(
    `  curl -i -X POST ${api}/deployments/${d}/backups -H "ld-api-key: ${seed.apiKey}" -H "Content-Type: application/json" -d '{"name":"before-migration","expires_in_days":30}'`,
  );
  say('Watch it:');
  say(`  curl -s ${api}/deployments/${d}/backups -H "ld-api-key: ${seed.apiKey}"`);
  say();
  say('Ctrl-C stops everything.');
  say('━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━');
} else if (!shuttingDown) {
  process.stderr.write('✗ the API did not become ready within 60 s; see its log lines above\n');
  await shutdown(1);
}
