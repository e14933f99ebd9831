// Start-up and memory of what ships: each service's deployed folder (as its
// image holds it) started with plain `node dist/main.js`, timed from spawn to
// the first 200 from /readyz — without and with Node's compile cache warmed
// the way the image build warms it — against the same service run from
// TypeScript through tsx (how it ran before it had a build) and against an
// empty Node process, all measured in this run. Also the deployed folders' sizes (what
// each image adds to the Node base image) and the compiled admin CLI's run
// time. Prints figures; asserts nothing. Needs `pnpm build` (turbo runs it).
//
//   pnpm --filter @backups/release bench         (RUNS=5 for more samples)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEc2Emulator } from '@backups/ec2-emulator';
import { loadConfig } from '@backups/shared';
import { ensureDatabase } from '@backups/shared/db';
import { createMigratingOrm } from '@backups/shared/db/migrator';
import { z } from 'zod';
import { deployPackage, folderBytes, REPO_ROOT } from '../src/deploy.js';
import { SERVICES, type Service } from '../src/deployables.js';
import { type FleetTarget, runtimeEnv, serviceEnv } from '../src/service-env.js';
import { freePort, memoryOf, startService } from '../src/service-process.js';

const run = promisify(execFile);
const config = loadConfig(
  'startup bench',
  z.object({
    DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/backups_bench'),
    REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
    RUNS: z.coerce.number().int().min(1).max(20).default(3),
  }),
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function timeStarts(
  service: Service,
  target: FleetTarget,
  cwd: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ readyMs: number; rss: number }> {
  const ready: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < config.RUNS; i++) {
    const port = await freePort();
    const env = { ...serviceEnv(service, target, port), ...extraEnv };
    const running = await startService(cwd, args, env, `http://127.0.0.1:${port}/readyz`, 60_000);
    ready.push(running.readyMs);
    if (running.child.pid) rss.push(memoryOf(running.child.pid).rss);
    await running.stop();
  }
  return { readyMs: median(ready), rss: median(rss) };
}

async function emptyNodeMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < config.RUNS; i++) {
    const t = performance.now();
    await run(process.execPath, ['-e', '']);
    times.push(performance.now() - t);
  }
  return median(times);
}

await ensureDatabase(config.DATABASE_URL);
const orm = await createMigratingOrm({ databaseUrl: config.DATABASE_URL, poolMax: 1 });
await orm.migrator.up();
await orm.close();
const emulator = await startEc2Emulator({ port: 0, host: '127.0.0.1', region: 'us-west-1' });
const target: FleetTarget = {
  databaseUrl: config.DATABASE_URL,
  redisUrl: config.REDIS_URL,
  queuePrefix: `bench-startup-${process.pid}`,
  ec2Endpoint: emulator.endpoint,
};
const root = mkdtempSync(join(tmpdir(), 'backups-startup-'));

try {
  const baseline = await emptyNodeMs();
  console.log(
    `Node ${process.version}, ${config.RUNS} runs each, medians. Empty node process: ${ms(baseline)}.\n`,
  );
  console.log(
    'service     deployed   compiled: ready   RSS   + compile cache: ready   RSS   tsx from source: ready   RSS',
  );
  for (const service of SERVICES) {
    const dir = join(root, service.name);
    await deployPackage(service.pkg, dir);
    const size = folderBytes(dir);
    const compiled = await timeStarts(service, target, dir, ['--enable-source-maps', service.entry]);
    // As the Dockerfile does: import the service's modules once with the cache on.
    const cache = { NODE_COMPILE_CACHE: join(dir, '.node-compile-cache') };
    await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', `await import('./${service.warm}')`],
      {
        cwd: dir,
        // The same flags as the start: Node keys its cache on them.
        env: { PATH: process.env.PATH ?? '', ...runtimeEnv(service), ...cache },
      },
    );
    const cached = await timeStarts(service, target, dir, ['--enable-source-maps', service.entry], cache);
    const source = await timeStarts(
      service,
      target,
      join(REPO_ROOT, service.pkg.replace('@backups/', 'services/')),
      ['--conditions=@backups/source', '--import', 'tsx', 'src/main.ts'],
    );
    console.log(
      `${service.name.padEnd(11)} ${mib(size).padStart(8)}   ${ms(compiled.readyMs).padStart(15)} ${mib(compiled.rss).padStart(7)}   ${ms(cached.readyMs).padStart(20)} ${mib(cached.rss).padStart(7)}   ${ms(source.readyMs).padStart(20)} ${mib(source.rss).padStart(7)}`,
    );
  }

  const api = join(root, 'api');
  const cli: number[] = [];
  for (let i = 0; i < config.RUNS; i++) {
    const t = performance.now();
    await run(process.execPath, ['--enable-source-maps', 'dist/admin/cli.js', 'operations:list'], {
      cwd: api,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: config.DATABASE_URL },
    });
    cli.push(performance.now() - t);
  }
  console.log(`\nadmin CLI (compiled, operations:list): ${ms(median(cli))}`);
} finally {
  await emulator.stop();
  rmSync(root, { recursive: true, force: true });
}
