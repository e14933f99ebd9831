import type { FaultRecord } from './faults.js';
import type { Ledger, ServerError } from './ledger.js';
import { REQUEST_KINDS } from './ledger.js';

// The run's figures and the verdict of each check, as printed at the end.

export interface Check {
  name: string;
  problems: string[];
}

/** How long after a Postgres or Redis fault a 5xx is the fault's, not a bug's. */
const FAULT_SHADOW_MS = 15_000;

/** A 5xx is expected only in a fault's shadow: just after Postgres backends were killed or Redis wiped, or while the API was down. */
export function unexpectedServerErrors(errors: ServerError[], faults: FaultRecord[]): ServerError[] {
  return errors.filter(
    (e) =>
      !faults.some((f) =>
        f.kind === 'api'
          ? e.at >= f.at && e.at <= (f.backAt ?? Number.POSITIVE_INFINITY)
          : (f.kind === 'postgres' || f.kind === 'redis') &&
            e.at >= f.at - 1000 &&
            e.at <= f.at + FAULT_SHADOW_MS,
      ),
  );
}

export const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

const join = (entries: [string, number][]) =>
  entries.length ? entries.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';

export function faultFigures(faults: FaultRecord[]): string {
  const kills = (kind: string) => faults.filter((f) => f.kind === kind).length;
  const redis = faults.filter((f) => f.kind === 'redis');
  const pg = faults.filter((f) => f.kind === 'postgres');
  const ec2 = faults.filter((f) => f.kind === 'ec2');
  const snapshots = ec2.filter((f) => f.detail.startsWith('snap-')).length;
  const attaches = ec2.filter((f) => f.detail.includes('AttachVolume')).length;
  const terminated = pg.reduce((sum, f) => sum + Number.parseInt(f.detail, 10), 0);
  return (
    `worker ${kills('worker')}, scheduler ${kills('scheduler')}, API ${kills('api')}, ` +
    `Redis wipe ${redis.length} (${redis.map((f) => f.detail).join(', ') || '-'}), ` +
    `PG backends ${pg.length} times (${terminated} terminated), ` +
    `EC2 faults ${ec2.length} (${snapshots} snapshots and ${ec2.length - snapshots - attaches} volumes failed, ${attaches} AttachVolume refused)`
  );
}

export function requestFigures(ledger: Ledger): { accepted: string; refused: string; unanswered: string } {
  return {
    accepted: `${join(REQUEST_KINDS.map((k) => [k, ledger.acceptedCount(k)]))} (${ledger.accepted.length} in all)`,
    refused: join([...ledger.refused].sort(([a], [b]) => a.localeCompare(b))),
    unanswered: join([...ledger.unanswered]),
  };
}

export function outcomeFigures(byKind: Map<string, Map<string, number>>): string[] {
  return [...byKind].map(([kind, ends]) => `${kind}: ${join([...ends])}`);
}

export function printChecks(say: (line: string) => void, checks: Check[]): boolean {
  for (const check of checks) {
    say(`  ${check.problems.length ? '✗' : '✓'} ${check.name}`);
    for (const p of check.problems.slice(0, 20)) say(`      ${p}`);
    if (check.problems.length > 20) say(`      … and ${check.problems.length - 20} more`);
  }
  return checks.every((c) => c.problems.length === 0);
}
