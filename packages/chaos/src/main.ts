// `pnpm chaos`: the whole fleet (API, 3 workers, scheduler, the EC2 emulator)
// under a random load through its HTTP API while workers, the scheduler and
// the API are SIGKILLed and restarted, the fleet's Redis keys are deleted
// once and its Postgres backends are terminated; then, everything running,
// it waits for the fleet to settle and checks the end state against Postgres
// and EC2. Exits 0 when every check passes.
import { rm } from 'node:fs/promises';
import { createRedis, JobQueues } from '@backups/shared/jobs';
import { checkEc2 } from './check-ec2.js';
import { checkScheduleMirror } from './check-mirror.js';
import { checkAcceptedRequests } from './check-requests.js';
import { coverageGaps } from './coverage.js';
import { ChaosDb, dropDatabase } from './db.js';
import { FaultInjector, planFaults } from './faults.js';
import { type ChaosFleet, startChaosFleet, waitReady } from './fleet.js';
import { Ledger } from './ledger.js';
import { Load } from './load.js';
import { parseOptions } from './options.js';
import { Random } from './random.js';
import { deleteFleetKeys } from './redis-keys.js';
import {
  type Check,
  faultFigures,
  outcomeFigures,
  printChecks,
  requestFigures,
  seconds,
  unexpectedServerErrors,
} from './report.js';
import { unsettled, waitSettled } from './settle.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
const options = parseOptions(process.argv.slice(2), process.env);
const started = Date.now();
const replay = `pnpm chaos --seed=${options.seed}${options.short ? ' --short' : ''}`;
say(`chaos soak: seed ${options.seed} (replay with ${replay}), ${options.loadSeconds} s of load`);

const LOAD_CLIENTS = 3;
const READY_TIMEOUT_MS = 180_000;

let chaos: ChaosFleet | undefined;
let db: ChaosDb | undefined;
const redis = createRedis(options.redisUrl, 'worker');
let queues: JobQueues | undefined;
let exitCode = 1;

async function allReady(fleet: ChaosFleet): Promise<void> {
  const late: string[] = [];
  await Promise.all(
    [...fleet.readyUrls].map(async ([name, url]) => {
      if (!(await waitReady(url, READY_TIMEOUT_MS))) late.push(name);
    }),
  );
  if (late.length) throw new Error(`not ready after ${seconds(READY_TIMEOUT_MS)}: ${late.join(', ')}`);
}

/** The schedule mirror is rebuilt by the scheduler's periodic sync: it is given a few rounds to converge. */
async function mirrorProblems(): Promise<string[]> {
  let problems: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    problems = await checkScheduleMirror(db as ChaosDb, queues as JobQueues);
    if (!problems.length) break;
    await new Promise((r) => setTimeout(r, 3000));
  }
  return problems;
}

async function soak(): Promise<boolean> {
  // Separate streams: the deployments seeded and the fault plan (kinds and order) replay exactly
  // whatever the load's timing does; which worker or snapshot a fault hits depends on that timing.
  const random = {
    seed: new Random(options.seed),
    faults: new Random(options.seed ^ 0x5bd1e995),
    load: new Random(options.seed ^ 0x27d4eb2f),
  };
  chaos = await startChaosFleet(options, random.seed);
  db = new ChaosDb(chaos.databaseUrl, chaos.databaseName);
  queues = new JobQueues(redis, chaos.prefix);
  const { deployments } = chaos.seeded;
  say(
    `fleet: database ${chaos.databaseName}, Redis prefix ${chaos.prefix}, log ${chaos.logPath}; ` +
      `${deployments.length} deployments, ${deployments.reduce((n, d) => n + d.nodes.length, 0)} nodes, ` +
      `${deployments.reduce((n, d) => n + d.volumes, 0)} data volumes`,
  );
  await allReady(chaos);
  say('fleet ready; load and faults start');

  const ledger = new Ledger();
  const load = new Load(chaos.apiUrl, chaos.seeded.apiKey, deployments, db, random.load, ledger);
  const injector = new FaultInjector(chaos, db, redis, random.faults);
  const loadMs = options.loadSeconds * 1000;
  const loadStart = Date.now();
  const stopped = () => Date.now() - loadStart >= loadMs;
  await Promise.all([
    load.run(LOAD_CLIENTS, stopped),
    injector.run(planFaults(random.faults, options.loadSeconds), loadMs * 0.9, stopped),
  ]);
  const loadEnd = Date.now();
  say(`load stopped after ${seconds(loadEnd - loadStart)}; waiting for every service to be up`);
  await injector.restarted();
  await allReady(chaos);
  await load.quietSchedules();

  const settle = await waitSettled(db, options.settleTimeoutSeconds * 1000);
  if (!settle.settled) {
    say(`✗ not settled after ${seconds(settle.ms)}; stuck:`);
    for (const line of settle.stuck) say(`    ${line}`);
  }
  const state = await chaos.emulator.control.state();
  const outcomes = await checkAcceptedRequests(
    db,
    ledger,
    state,
    deployments.map((d) => d.id),
  );
  const ec2 = await checkEc2(db, state);
  const scheduled = await db.rows<{ type: string; status: string; n: number }>(
    'select backup_type as type, status, count(*)::int as n from backups where backup_type <> $1 group by 1, 2 order by 1, 2',
    ['manual'],
  );
  const server = unexpectedServerErrors(ledger.serverErrors, injector.records);
  const down = [...chaos.readyUrls.keys()].filter((name) => !chaos?.fleet.running().includes(name));
  const checks: Check[] = [
    {
      name: `every accepted request reached its end (${ledger.accepted.length})`,
      problems: outcomes.problems,
    },
    { name: 'nothing queued or running', problems: settle.settled ? await unsettled(db) : settle.stuck },
    { name: `no orphan snapshot (${ec2.snapshots} snapshots of ours in EC2)`, problems: ec2.orphanSnapshots },
    { name: 'no duplicate snapshot (one per backup and volume)', problems: ec2.duplicateSnapshots },
    { name: 'no snapshot a completed backup records is missing in EC2', problems: ec2.lostSnapshots },
    {
      name: 'every instance running with its volumes attached as Postgres says',
      problems: ec2.instanceProblems,
    },
    {
      name: `every loose volume is tagged for cleanup (${ec2.taggedForCleanup} replaced volumes carry replaced-at)`,
      problems: ec2.untaggedLooseVolumes,
    },
    { name: 'the schedules are mirrored in Redis', problems: await mirrorProblems() },
    {
      name: 'no service died by itself',
      problems: chaos.unexpectedExits.map((e) => `${e.name} exited with code ${e.code}`),
    },
    {
      name: `no 5xx outside a fault (${ledger.serverErrors.length} in all)`,
      problems: server.map((e) => `${e.kind} ${e.status} ${e.code} at ${new Date(e.at).toISOString()}`),
    },
    { name: 'every service is running at the end', problems: down.map((name) => `${name} is down`) },
    {
      name: 'the soak did what it says (each fault, and accepted work of each kind)',
      problems: coverageGaps(injector.records, ledger),
    },
  ];

  const figures = requestFigures(ledger);
  say();
  say(`━━━ chaos soak figures (seed ${options.seed}) ━━━`);
  say(
    `duration     ${seconds(Date.now() - started)} in all: load ${seconds(loadEnd - loadStart)}, settle ${seconds(settle.ms)}`,
  );
  say(`faults       ${faultFigures(injector.records)}`);
  say(`accepted     ${figures.accepted}`);
  say(`refused      ${figures.refused}`);
  say(`unanswered   ${figures.unanswered} (API killed or timed out mid-request)`);
  say(`5xx          ${ledger.serverErrors.length} (${server.length} outside a fault)`);
  for (const line of outcomeFigures(outcomes.byKind)) say(`outcomes     ${line}`);
  say(`not manual   ${scheduled.map((r) => `${r.type} ${r.status} ${r.n}`).join(', ') || 'none'}`);
  say('checks');
  return printChecks(say, checks) && settle.settled;
}

async function cleanUp(): Promise<void> {
  await chaos?.stop().catch((err: unknown) => say(`could not stop the fleet: ${String(err)}`));
  await queues?.close().catch(() => {});
  await db?.close().catch(() => {});
  if (chaos && !options.keep) {
    await dropDatabase(options.databaseBaseUrl, chaos.databaseName).catch((err: unknown) =>
      say(`could not drop ${chaos?.databaseName}: ${String(err)}`),
    );
    await deleteFleetKeys(redis, chaos.prefix).catch(() => {});
    // The services' log is only worth keeping when something failed.
    if (exitCode === 0) await rm(chaos.logPath, { force: true });
  } else if (chaos) {
    say(`kept database ${chaos.databaseName} and Redis prefix ${chaos.prefix}`);
  }
  redis.disconnect();
}

// Ctrl-C: the services are stopped with the soak (their IPC tie would stop them anyway).
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    chaos?.fleet.kill();
    void cleanUp().finally(() => process.exit(130));
  });

try {
  exitCode = (await soak()) ? 0 : 1;
  say(
    exitCode === 0
      ? 'chaos soak passed'
      : `chaos soak FAILED (replay with ${replay}; fleet log ${chaos?.logPath})`,
  );
} catch (err) {
  say(`✗ chaos soak could not run: ${(err as Error).stack ?? String(err)}`);
} finally {
  await cleanUp();
}
process.exit(exitCode);
