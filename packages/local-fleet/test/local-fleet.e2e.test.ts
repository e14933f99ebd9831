import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useFleetProcess } from './fleet-process.js';

// `pnpm dev` end to end: the same entry point a newcomer runs, as a real
// process, on its own database, Redis prefix and ports. The curl it prints is
// run as printed, and the backup it creates must reach `completed`.

const fleet = useFleetProcess();
const run = promisify(exec);

describe('pnpm dev', () => {
  it('brings the fleet up; the printed curl creates a backup that completes and shows in Bull Board; Ctrl-C stops it all', async () => {
    const { curl, key, deploymentId: deployment, apiUrl: api, apiMetricsPort } = await fleet.start();
    const user = /user (\S+), password (\S+)\)/.exec(fleet.output);
    // Generated for this run (no default password anyone could know), accepted by the API's rules.
    expect(user?.[2]).toMatch(/^[\w-]{24}$/);

    const { stdout } = await run(curl);
    expect(stdout, fleet.output).toMatch(/HTTP\/1\.1 204/);
    const location = /location: (\S+)/i.exec(stdout)?.[1] ?? '';
    expect(location).toMatch(new RegExp(`^/deployments/${deployment}/backups/\\d+$`));

    const completed = await fleet.waitFor(
      'the backup to complete',
      async () => {
        const res = await fetch(`${api}/deployments/${deployment}/backups`, {
          headers: { 'ld-api-key': key },
        });
        const text = await res.text();
        // The int64 deployment id must come back exact, so compare on the raw text.
        return text.includes('"status":"completed"') ? text : undefined;
      },
      120_000,
    );
    expect(completed).toContain(`"deployment_id":${deployment}`);
    expect(completed).toMatch(/"snapshot_ids":\["snap-[0-9a-f]+","snap-[0-9a-f]+"\]/);

    // Bull Board (behind the operator credentials the banner printed) shows the finished job.
    const auth = `Basic ${Buffer.from(`${user?.[1]}:${user?.[2]}`).toString('base64')}`;
    expect((await fetch(`${api}/admin/queues/api/queues`)).status).toBe(401);
    const board = await fetch(`${api}/admin/queues/api/queues?activeQueue=operations&status=completed`, {
      headers: { authorization: auth },
    });
    expect(board.status).toBe(200);
    const queues = (await board.json()) as {
      queues: Array<{ name: string; counts: Record<string, number> }>;
    };
    const operations = queues.queues.find((q) => q.name === 'operations');
    expect(operations?.counts.completed ?? 0, JSON.stringify(queues)).toBeGreaterThanOrEqual(1);

    // The API's metrics are on the port the banner printed, not on the tenant port.
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`);
    expect(await metrics.text()).toContain('backups_http_requests_total{');

    // Ctrl-C: the fleet stops every service in order, then exits 0.
    const exited = new Promise<number | null>((resolve) =>
      fleet.child?.once('exit', (code) => resolve(code)),
    );
    if (fleet.child?.pid) process.kill(fleet.child.pid, 'SIGINT');
    expect(await exited).toBe(0);
    expect(await fleet.processes()).toEqual([]);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  });

  it('leaves no service running when the fleet is killed while it stops (SIGTERM, then SIGKILL)', async () => {
    const { apiUrl } = await fleet.start();
    const services = (await fleet.processes()).filter((pid) => pid !== fleet.child?.pid);
    // The API, two workers and the scheduler, each in its own process group (and
    // any helper process of theirs, such as the TypeScript loader's esbuild).
    expect(services.length).toBeGreaterThanOrEqual(4);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      fleet.child?.once('exit', (_code, signal) => resolve(signal)),
    );
    if (fleet.child?.pid) {
      process.kill(fleet.child.pid, 'SIGTERM');
      process.kill(fleet.child.pid, 'SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    await fleet.allGone();
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  });

  it('stops at once on a second Ctrl-C while a service hangs in its shutdown, leaving no service running', async () => {
    await fleet.start();
    const pid = fleet.child?.pid ?? 0;
    // A service that cannot finish stopping: the orderly stop would wait its timeout for it.
    const [stuck] = (await fleet.processes()).filter((p) => p !== pid);
    process.kill(stuck ?? 0, 'SIGSTOP');
    const exited = new Promise<number | null>((resolve) =>
      fleet.child?.once('exit', (code) => resolve(code)),
    );
    process.kill(pid, 'SIGINT');
    // The second once the first is being handled (two signals in a row may arrive as one).
    await fleet.waitFor(
      'the fleet to start stopping',
      async () => fleet.output.includes('stopping the fleet') || undefined,
      30_000,
    );
    process.kill(pid, 'SIGINT');
    // 130: stopped by the user without the orderly shutdown.
    expect(await exited).toBe(130);
    await fleet.allGone();
  });
});
