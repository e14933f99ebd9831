import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { seedInstance, startEc2Emulator } from '@backups/ec2-emulator';
import { useTestDatabase, useTestRedis } from '@backups/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployPackage, devPackagesIn } from '../src/deploy.js';
import { SERVICES } from '../src/deployables.js';
import { serviceEnv } from '../src/service-env.js';
import { freePort, startService } from '../src/service-process.js';

// What the images run: each package deployed with production dependencies
// only (as the Dockerfile does), started as plain `node dist/main.js` — no
// tsx, no TypeScript. A dependency declared only for development, or a file
// the build forgot, fails here rather than in a container.

const run = promisify(execFile);
const db = useTestDatabase();
const redis = useTestRedis();
const root = mkdtempSync(join(tmpdir(), 'backups-release-'));
const folder = (pkg: string) => join(root, pkg.replace('@backups/', ''));
let emulator: Awaited<ReturnType<typeof startEc2Emulator>>;

beforeAll(async () => {
  emulator = await startEc2Emulator({ port: 0, host: '127.0.0.1', region: 'us-west-1' });
  // One after another: pnpm deploy is I/O-bound and the machine is shared.
  for (const pkg of [...SERVICES.map((s) => s.pkg), '@backups/shared']) await deployPackage(pkg, folder(pkg));
});
afterAll(async () => {
  await emulator?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.each(SERVICES)('the deployed $name', (service) => {
  it('holds compiled JavaScript with source maps and no development tools', () => {
    const dir = folder(service.pkg);
    expect(existsSync(join(dir, service.entry))).toBe(true);
    expect(existsSync(join(dir, `${service.entry}.map`))).toBe(true);
    expect(existsSync(join(dir, 'src')), 'TypeScript sources must not ship').toBe(false);
    expect(devPackagesIn(dir)).toEqual([]);
    expect(readdirSync(join(dir, 'node_modules', '@backups'))).toContain('shared');
  });

  it('starts with plain node, becomes ready, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const env = serviceEnv(
      service,
      { databaseUrl: db.url, redisUrl: redis.url, queuePrefix: redis.prefix, ec2Endpoint: emulator.endpoint },
      port,
    );
    const running = await startService(
      folder(service.pkg),
      ['--enable-source-maps', service.entry],
      env,
      `http://127.0.0.1:${port}/readyz`,
      60_000,
    );
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status, running.output()).toBe(200);
    const exit = await running.stop();
    expect(exit, running.output()).toEqual({ code: 0, signal: null });
  });
});

describe('the deployed tools', () => {
  it('migrations run compiled from the shared package', async () => {
    const { stdout } = await run(process.execPath, ['dist/db/migrate.cli.js', 'status'], {
      cwd: folder('@backups/shared'),
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
    });
    expect(stdout).toMatch(/0001/);
  });

  it('the admin CLI runs compiled from the api folder and explains its usage', async () => {
    const failure = await run(process.execPath, ['dist/admin/cli.js'], {
      cwd: folder('@backups/api'),
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url },
    }).catch((err: { code: number; stderr: string }) => err);
    expect('code' in failure && failure.code).toBe(64);
    expect('stderr' in failure && failure.stderr).toMatch(/tenant:create/);
  });

  it('EC2 calls go through the SDK bundled into the shared package, not an installed SDK', async () => {
    const seeder = new EC2Client({
      region: 'us-west-1',
      endpoint: emulator.endpoint,
      credentials: { accessKeyId: 'release-check', secretAccessKey: 'release-check' },
    });
    const { instanceId } = await seedInstance(seeder, {
      az: 'us-west-1a',
      dataVolumes: [{ device: '/dev/sdf', sizeGiB: 8 }],
    });
    seeder.destroy();
    const dir = folder('@backups/worker');
    const stored = readdirSync(join(dir, 'node_modules', '.pnpm'));
    expect(stored.filter((p) => p.startsWith('@aws-sdk+client-ec2'))).toEqual([]);
    const script = `
      import { Ec2Adapter } from '@backups/shared/ec2';
      const ec2 = new Ec2Adapter({ region: 'us-west-1', endpoint: process.env.ENDPOINT, credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
      const [instance] = await ec2.describeInstances([process.env.INSTANCE]);
      ec2.destroy();
      console.log(JSON.stringify(instance));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ENDPOINT: emulator.endpoint, INSTANCE: instanceId },
    });
    expect(JSON.parse(stdout)).toMatchObject({ instanceId, availabilityZone: 'us-west-1a' });
  });

  it('stack traces name the TypeScript lines', async () => {
    const script =
      "import { parseJson } from '@backups/shared'; try { parseJson('{'); } catch (err) { console.log(err.stack); }";
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      {
        cwd: folder('@backups/worker'),
      },
    );
    expect(stdout).toMatch(/shared\/src\/json\.ts:\d+:\d+/);
  });
});
