import { backupsInProgressByRegion } from '@backups/shared/backups';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Gauge, type Registry } from 'prom-client';
import type { SnapshotLedger } from './snapshot-ledger.js';

/**
 * Snapshot admission and backup progress per region, read at scrape time from
 * the ledger (Redis) and Postgres, so every worker reports the same figures.
 */
export function registerSnapshotGauges(
  registry: Registry,
  ledger: SnapshotLedger,
  em: () => EntityManager,
): void {
  const held = new Gauge({
    name: 'backups_snapshots_pending',
    help: 'Snapshots the fleet holds as pending in EC2, per region (compare with backups_snapshots_pending_cap)',
    labelNames: ['region'],
    registers: [registry],
  });
  const cap = new Gauge({
    name: 'backups_snapshots_pending_cap',
    help: 'Snapshots the fleet lets be pending at once per region (SNAPSHOT_REGION_CAP)',
    labelNames: ['region'],
    registers: [registry],
  });
  const waiting = new Gauge({
    name: 'backups_snapshot_admission_waiting',
    help: 'Backups waiting in the fair queue for room to start their snapshots, per region',
    labelNames: ['region'],
    registers: [registry],
  });
  const progress = new Gauge({
    name: 'backups_backup_progress_mean',
    help: 'Mean progress (0-100) of the backups in progress that have snapshots, per region',
    labelNames: ['region'],
    registers: [registry],
  });
  new Gauge({
    name: 'backups_backups_in_progress',
    help: 'Backups in progress per region',
    labelNames: ['region'],
    registers: [registry],
    async collect() {
      this.reset();
      held.reset();
      cap.reset();
      waiting.reset();
      progress.reset();
      for (const r of await backupsInProgressByRegion(em())) {
        this.set({ region: r.region }, r.count);
        if (r.meanProgress !== null) progress.set({ region: r.region }, r.meanProgress);
        const status = await ledger.status(r.region);
        held.set({ region: r.region }, status.used);
        waiting.set({ region: r.region }, status.waiting);
        cap.set({ region: r.region }, ledger.limits.regionCap);
      }
    },
  });
}
