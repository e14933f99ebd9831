// What a run does, from the command line and the environment:
//   pnpm chaos                 ~8 minutes of load (the soak)
//   pnpm chaos --short         100 s of load, 2-3 minutes in all (CI)
//   CHAOS_DURATION=300         seconds of load, whichever form
//   CHAOS_SEED=1234 / --seed=1234   replays a run's random choices
//   CHAOS_KEEP=1 / --keep      keeps the database and Redis keys to look at afterwards

export interface ChaosOptions {
  loadSeconds: number;
  seed: number;
  keep: boolean;
  short: boolean;
  /** How long the fleet may take to settle once the load stops (a hang guard, not a budget). */
  settleTimeoutSeconds: number;
  deployments: number;
  workers: number;
  databaseBaseUrl: string;
  redisUrl: string;
}

const FULL_LOAD_SECONDS = 480;
const SHORT_LOAD_SECONDS = 100;

function flag(argv: string[], name: string): string | boolean | undefined {
  for (const arg of argv) {
    if (arg === `--${name}`) return true;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

function positiveInt(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got "${value}"`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): ChaosOptions {
  const short = flag(argv, 'short') === true || env.CHAOS_SHORT === '1';
  const seedFlag = flag(argv, 'seed');
  const seed =
    positiveInt(typeof seedFlag === 'string' ? seedFlag : env.CHAOS_SEED, 'the seed') ??
    1 + Math.floor(Math.random() * 2_147_483_646);
  const loadSeconds =
    positiveInt(env.CHAOS_DURATION, 'CHAOS_DURATION') ?? (short ? SHORT_LOAD_SECONDS : FULL_LOAD_SECONDS);
  return {
    loadSeconds,
    seed,
    keep: flag(argv, 'keep') === true || env.CHAOS_KEEP === '1',
    short,
    settleTimeoutSeconds: positiveInt(env.CHAOS_SETTLE_TIMEOUT, 'CHAOS_SETTLE_TIMEOUT') ?? 600,
    deployments: 10,
    workers: 3,
    databaseBaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
