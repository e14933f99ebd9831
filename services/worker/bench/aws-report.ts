import type { EmulatorConfig } from '@backups/ec2-emulator';
import type { DrainBound } from './drain-bound.js';
import { type ActionCalls, REFUSAL_CODES, sumCalls } from './emulator-calls.js';
import { log, MiB, per, percent, row } from './print.js';
import type { BackupRequests } from './request-backups.js';
import { printTargets } from './targets.js';
import { WORKER_COUNT, type WorkerStats, workerCalls } from './worker-fleet.js';

// What the AWS-bound run prints: the limit-bound minimum and its terms, the
// measured drain, EC2 calls per completed backup (the emulator's counters, the
// workers' beside them), failures, peak RSS, and the issue's targets.

export interface AwsReport {
  deployments: number;
  concurrency: number;
  workerEnv: Record<string, string>;
  emulatorConfig: EmulatorConfig;
  bound: DrainBound;
  drainS: number;
  requests: BackupRequests;
  completed: number;
  failed: { count: number; reasons: string[] };
  calls: ActionCalls[];
  workerStats: WorkerStats[];
  peakRss: { hwm: number }[];
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

export function printAwsReport(r: AwsReport): void {
  const { emulatorConfig: emu, bound, workerEnv: env } = r;
  log('');
  log(
    row(
      'deployments / backups',
      `${r.deployments} (8 + 16 GiB data volumes each, ${WORKER_COUNT} worker processes x concurrency ${r.concurrency})`,
    ),
  );
  log(
    row(
      'emulator',
      `time scale ${emu.timeScale}, limits: ${emu.limits.pendingSnapshotsPerRegion} pending per region, ${emu.limits.pendingSnapshotsPerVolume} per volume, ${emu.limits.snapshotIntervalPerVolumeMs} ms nominal spacing, throttling ${emu.limits.throttling ? 'on' : 'off'}`,
    ),
  );
  log(
    row(
      'fleet settings',
      [
        'POLL_INTERVAL_MS',
        'SNAPSHOT_REGION_CAP',
        'SNAPSHOT_VOLUME_SPACING_MS',
        'EC2_MUTATING_RATE_PER_SEC',
        'EC2_MUTATING_BURST',
        'EC2_DESCRIBE_RATE_PER_SEC',
        'EC2_DESCRIBE_BURST',
        'OPERATION_LEASE_MS',
      ]
        .map((k) => `${k}=${env[k]}`)
        .join(' '),
    ),
  );
  log('');
  log(
    row(
      'limit-bound minimum drain',
      `${seconds(bound.minimumS)} = max(${seconds(bound.regionCapS)}, ${seconds(bound.longestSnapshotS)}, ${seconds(bound.createSnapshotsRateS)})`,
    ),
  );
  log(
    `  Σ snapshot durations / region cap:   ${seconds(bound.regionCapS)} (${bound.snapshots} snapshots of ${emu.timings.snapshotBaseMs / 1000} s + ${emu.timings.snapshotPerGiBMs / 1000} s/GiB nominal, cap ${bound.regionCap ?? 'none'})`,
  );
  log(`  longest single snapshot:             ${seconds(bound.longestSnapshotS)}`);
  log(
    `  CreateSnapshots calls / refill rate: ${seconds(bound.createSnapshotsRateS)} (${bound.createSnapshotsCalls} calls at ${bound.refillPerSecond ?? '∞'}/s nominal)`,
  );
  log(row('measured drain', `${seconds(r.drainS)} (first POST accepted → last backup completed or failed)`));
  log(row('requests', `${r.requests.accepted} POSTs accepted in ${seconds(r.requests.seconds)}`));
  log(row('drain / minimum', `${(r.drainS / bound.minimumS).toFixed(2)}×`));
  log(
    row(
      'backups',
      `${r.completed} completed, ${r.failed.count} failed, ${r.requests.refused.length} refused by the API`,
    ),
  );
  for (const reason of r.failed.reasons) log(`  ${reason}`);
  for (const x of r.requests.refused.slice(0, 5))
    log(`  POST for deployment ${x.deploymentId}: ${x.status} ${x.body.slice(0, 200)}`);

  const totals = sumCalls(r.calls);
  log('');
  log(`EC2 calls per completed backup (the emulator's counters; refused: ${REFUSAL_CODES.join(', ')}):`);
  log(
    `  ${'action'.padEnd(22)}${'all'.padStart(7)}${'accepted'.padStart(10)}${'refused'.padStart(9)}  refused by code, other errors`,
  );
  for (const c of r.calls) {
    const codes = [...Object.entries(c.refused), ...Object.entries(c.otherErrors)]
      .map(([code, n]) => `${code} ${per(n, r.completed)}`)
      .join(', ');
    log(
      `  ${c.action.padEnd(22)}${per(c.total, r.completed).padStart(7)}${per(c.accepted, r.completed).padStart(10)}${per(c.refusedTotal, r.completed).padStart(9)}  ${codes}`,
    );
  }
  log(
    `  ${'total'.padEnd(22)}${per(totals.total, r.completed).padStart(7)}${per(totals.total - totals.refused, r.completed).padStart(10)}${per(totals.refused, r.completed).padStart(9)}`,
  );
  log(row('refused share', `${percent(totals.refused, totals.total)} of ${totals.total} calls`));
  // Counts, not ratios: a handful of calls that failed on the way (a network error, say) would round to 0.00.
  log(
    'the workers counted, in all (outcome ok / throttled / not_found / error; throttled includes network errors):',
  );
  for (const [action, outcomes] of [...workerCalls(r.workerStats).entries()].sort())
    log(`  ${action.padEnd(22)}${[...outcomes.entries()].map(([o, n]) => `${o} ${n}`).join(', ')}`);
  log(row('worker CPU time', r.workerStats.map((s) => `${s.cpuSeconds.toFixed(1)} s`).join(', ')));
  log(row('worker peak RSS (VmHWM)', r.peakRss.map((m) => MiB(m.hwm)).join(', ')));

  const callsPerBackup = r.completed > 0 ? totals.total / r.completed : Number.POSITIVE_INFINITY;
  const refusedShare = totals.total > 0 ? totals.refused / totals.total : 0;
  const failures = r.failed.count + r.requests.refused.length;
  printTargets([
    {
      name: 'EC2 calls per completed backup',
      measured: per(totals.total, r.completed),
      goal: '<= 2.5',
      met: callsPerBackup <= 2.5,
    },
    {
      name: 'refused calls',
      measured: percent(totals.refused, totals.total),
      goal: '<= 1%',
      met: refusedShare <= 0.01,
    },
    {
      name: 'drain / limit-bound minimum',
      measured: `${(r.drainS / bound.minimumS).toFixed(2)}×`,
      goal: '<= 1.1×',
      met: r.drainS <= 1.1 * bound.minimumS,
    },
    {
      name: 'failures (failed + refused by the API)',
      measured: String(failures),
      goal: '0',
      met: failures === 0,
    },
  ]);
}
