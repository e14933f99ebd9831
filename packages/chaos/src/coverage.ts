import { FAULT_KINDS, type FaultRecord } from './faults.js';
import type { Ledger, RequestKind } from './ledger.js';

/**
 * What a run must have done for its checks to mean anything: every kind of
 * fault thrown, and work of each operation kind accepted. A soak whose load
 * was all refused, or whose kills never happened, would otherwise pass.
 */
const MUST_ACCEPT: readonly RequestKind[] = ['backup', 'backup_node', 'restore', 'delete', 'schedule_put'];

export function coverageGaps(faults: FaultRecord[], ledger: Ledger): string[] {
  return [
    ...FAULT_KINDS.filter((kind) => !faults.some((f) => f.kind === kind)).map(
      (kind) => `no ${kind} fault was thrown`,
    ),
    ...MUST_ACCEPT.filter((kind) => ledger.acceptedCount(kind) === 0).map(
      (kind) => `no ${kind} request was accepted`,
    ),
  ];
}
