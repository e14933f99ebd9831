// What the load asked for and what the API answered. Every accepted request
// (2xx) is kept with what its end must be; refusals are counted by kind,
// status and error code; requests whose answer never came (the API was
// killed, a timeout) are counted apart, since they may or may not have been
// accepted.

export const REQUEST_KINDS = [
  'backup',
  'backup_node',
  'restore',
  'delete',
  'schedule_put',
  'schedule_delete',
  'upgrade',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface AcceptedRequest {
  kind: RequestKind;
  deploymentId: string;
  /** The backup, restore or upgrade the request created (from Location), or the deleted backup. */
  id: string | null;
  /** A node-scoped backup's node. */
  nodeId: string | null;
  at: number;
}

/** A schedule as the load last set it; null when deleted (or never set). */
export interface ScheduleState {
  cron: string;
  node_id: string | null;
  expires_in_days: number | null;
  keep_count: number | null;
  enabled: boolean;
}

export interface ServerError {
  kind: RequestKind;
  status: number;
  code: string;
  at: number;
}

export class Ledger {
  readonly accepted: AcceptedRequest[] = [];
  /** `kind status code` → count. */
  readonly refused = new Map<string, number>();
  readonly unanswered = new Map<RequestKind, number>();
  readonly serverErrors: ServerError[] = [];
  /** Backups a delete was sent for, accepted or not: their `deleted` end is explained. */
  readonly deleteSent = new Set<string>();
  /** Per deployment, the schedule states its final row may have (more than one after an unanswered change). */
  private readonly schedules = new Map<string, (ScheduleState | null)[]>();

  accept(request: AcceptedRequest): void {
    this.accepted.push(request);
  }

  refuse(kind: RequestKind, status: number, code: string): void {
    const key = `${kind} ${status} ${code}`;
    this.refused.set(key, (this.refused.get(key) ?? 0) + 1);
  }

  lost(kind: RequestKind): void {
    this.unanswered.set(kind, (this.unanswered.get(kind) ?? 0) + 1);
  }

  scheduleSet(deploymentId: string, state: ScheduleState | null): void {
    this.schedules.set(deploymentId, [state]);
  }

  /** A change whose answer was lost: it may have been saved, or not. */
  scheduleMaybeSet(deploymentId: string, state: ScheduleState | null): void {
    this.schedules.set(deploymentId, [...this.expectedSchedules(deploymentId), state]);
  }

  expectedSchedules(deploymentId: string): (ScheduleState | null)[] {
    return this.schedules.get(deploymentId) ?? [null];
  }

  acceptedCount(kind: RequestKind): number {
    return this.accepted.filter((a) => a.kind === kind).length;
  }
}
