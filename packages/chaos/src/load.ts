import { UNFINISHED_OPERATION_STATUSES } from '@backups/shared/operations';
import type { ChaosDb } from './db.js';
import type { Ledger, RequestKind, ScheduleState } from './ledger.js';
import type { Random } from './random.js';
import type { SeededDeployment } from './seed.js';

// The random load, through the public HTTP API with the tenant's key: backups
// (of every node or of one), restores of completed backups, deletes, schedule
// changes and upgrades. Its choices read Postgres for what exists (completed
// backups to restore, settled ones to delete), and a deployment with two
// operations waiting gets no new ones, as a client waiting for its work would.

const WEIGHTS: Record<RequestKind, number> = {
  backup: 22,
  backup_node: 14,
  restore: 14,
  delete: 18,
  schedule_put: 10,
  schedule_delete: 5,
  upgrade: 5,
};
/** Kinds that queue an operation on the deployment. */
const QUEUEING: readonly RequestKind[] = ['backup', 'backup_node', 'restore', 'upgrade'];
const MAX_WAITING_OPERATIONS = 2;
const REQUEST_TIMEOUT_MS = 20_000;

type Answer = { status: number; code: string; location: string | null } | { lost: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lastSegment = (location: string | null) => location?.split('/').at(-1) ?? null;

/**
 * A schedule that fires one to three minutes from now, every 15 minutes (the
 * API's shortest interval), so scheduled backups are made during the soak.
 */
export function soonCron(now: Date, random: Random): string {
  const first = (now.getUTCMinutes() + random.int(1, 3)) % 15;
  return `${[0, 15, 30, 45].map((m) => first + m).join(',')} * * * *`;
}

/** A daily schedule twelve hours away: it will not fire while the end state is being checked. */
export function quietCron(now: Date): string {
  return `0 ${(now.getUTCHours() + 12) % 24} * * *`;
}

export class Load {
  private upgrades = 0;

  constructor(
    private readonly apiUrl: string,
    private readonly apiKey: string,
    private readonly deployments: SeededDeployment[],
    private readonly db: ChaosDb,
    private readonly random: Random,
    readonly ledger: Ledger,
  ) {}

  /** `loops` concurrent clients, each sending a request every 0.3-1.2 s, until `stopped()`. */
  async run(loops: number, stopped: () => boolean): Promise<void> {
    await Promise.all(
      Array.from({ length: loops }, async () => {
        while (!stopped()) {
          await this.step().catch((err: unknown) => {
            // The soak's own reads may fail while Postgres is being disturbed; the step is skipped.
            if (!/terminat|ECONNRE|Connection/i.test(String(err))) throw err;
          });
          await sleep(this.random.int(300, 1200));
        }
      }),
    );
  }

  /** Sets every deployment's schedule to one that stays quiet while the end state is checked. */
  async quietSchedules(): Promise<void> {
    for (const d of this.deployments) {
      const body: ScheduleState = {
        cron: quietCron(new Date()),
        node_id: null,
        expires_in_days: null,
        keep_count: 3,
        enabled: true,
      };
      for (let attempt = 1; ; attempt++) {
        if (await this.putSchedule(d, body)) break;
        if (attempt >= 30) throw new Error(`the API refused the final schedule of deployment ${d.id}`);
        await sleep(1000);
      }
    }
  }

  private async step(): Promise<void> {
    let kind = this.random.weighted(WEIGHTS);
    const waiting = await this.waitingOperations();
    const open = this.deployments.filter((d) => (waiting.get(d.id) ?? 0) < MAX_WAITING_OPERATIONS);
    if (QUEUEING.includes(kind) && open.length === 0) kind = 'delete';
    const d = this.random.pick(QUEUEING.includes(kind) ? open : this.deployments);
    switch (kind) {
      case 'backup':
        return this.createBackup(d, null);
      case 'backup_node':
        return this.createBackup(d, this.random.pick(d.nodes).id);
      case 'restore':
        return this.restore(d);
      case 'delete':
        return this.deleteBackup(d);
      case 'schedule_put':
        await this.putSchedule(d, this.randomSchedule(d));
        return;
      case 'schedule_delete':
        return this.deleteSchedule(d);
      case 'upgrade':
        return this.upgrade(d);
    }
  }

  private async waitingOperations(): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ d: string; n: number }>(
      'select deployment_id::text as d, count(*)::int as n from operations where status = any($1) group by 1',
      [UNFINISHED_OPERATION_STATUSES],
    );
    return new Map(rows.map((r) => [r.d, r.n]));
  }

  private async backupsOf(d: SeededDeployment): Promise<{ id: string; status: string }[]> {
    return this.db.rows('select id::text, status from backups where deployment_id = $1 order by id', [d.id]);
  }

  private async createBackup(d: SeededDeployment, nodeId: string | null): Promise<void> {
    const kind = nodeId === null ? 'backup' : 'backup_node';
    const body: Record<string, unknown> = { name: `chaos-${Date.now().toString(36)}` };
    if (nodeId !== null) body.node_id = Number(nodeId);
    const answer = await this.send(kind, 'POST', `/deployments/${d.id}/backups`, body);
    if (answer !== undefined)
      this.ledger.accept({ kind, deploymentId: d.id, id: lastSegment(answer), nodeId, at: Date.now() });
  }

  private async restore(d: SeededDeployment): Promise<void> {
    const completed = (await this.backupsOf(d)).filter((b) => b.status === 'completed');
    if (!completed.length) return this.createBackup(d, null);
    const backup = this.random.pick(completed);
    const answer = await this.send('restore', 'POST', `/deployments/${d.id}/backups/${backup.id}/restore`);
    if (answer !== undefined)
      this.ledger.accept({
        kind: 'restore',
        deploymentId: d.id,
        id: lastSegment(answer),
        nodeId: null,
        at: Date.now(),
      });
  }

  private async deleteBackup(d: SeededDeployment): Promise<void> {
    const settled = (await this.backupsOf(d)).filter(
      (b) => b.status === 'completed' || b.status === 'failed',
    );
    if (!settled.length) return;
    const backup = this.random.pick(settled);
    this.ledger.deleteSent.add(backup.id);
    const answer = await this.send('delete', 'DELETE', `/deployments/${d.id}/backups/${backup.id}`);
    if (answer !== undefined)
      this.ledger.accept({ kind: 'delete', deploymentId: d.id, id: backup.id, nodeId: null, at: Date.now() });
  }

  private randomSchedule(d: SeededDeployment): ScheduleState {
    return {
      cron: soonCron(new Date(), this.random),
      node_id: this.random.chance(0.3) ? this.random.pick(d.nodes).id : null,
      expires_in_days: this.random.chance(0.5) ? this.random.int(1, 30) : null,
      keep_count: this.random.chance(0.7) ? this.random.int(1, 3) : null,
      enabled: this.random.chance(0.85),
    };
  }

  /** True when the API accepted it. */
  private async putSchedule(d: SeededDeployment, state: ScheduleState): Promise<boolean> {
    const body = {
      ...state,
      node_id: state.node_id === null ? null : Number(state.node_id),
      timezone: 'UTC',
    };
    const answer = await this.send('schedule_put', 'PUT', `/deployments/${d.id}/backup-schedule`, body, () =>
      this.ledger.scheduleMaybeSet(d.id, state),
    );
    if (answer === undefined) return false;
    this.ledger.scheduleSet(d.id, state);
    this.ledger.accept({ kind: 'schedule_put', deploymentId: d.id, id: null, nodeId: null, at: Date.now() });
    return true;
  }

  private async deleteSchedule(d: SeededDeployment): Promise<void> {
    const answer = await this.send(
      'schedule_delete',
      'DELETE',
      `/deployments/${d.id}/backup-schedule`,
      undefined,
      () => this.ledger.scheduleMaybeSet(d.id, null),
    );
    if (answer === undefined) return;
    this.ledger.scheduleSet(d.id, null);
    this.ledger.accept({
      kind: 'schedule_delete',
      deploymentId: d.id,
      id: null,
      nodeId: null,
      at: Date.now(),
    });
  }

  private async upgrade(d: SeededDeployment): Promise<void> {
    const target = `0.${6 + this.upgrades++}.0`;
    const answer = await this.send('upgrade', 'POST', `/deployments/${d.id}/upgrade`, {
      target_version: target,
    });
    if (answer !== undefined)
      this.ledger.accept({
        kind: 'upgrade',
        deploymentId: d.id,
        id: lastSegment(answer),
        nodeId: null,
        at: Date.now(),
      });
  }

  /**
   * Sends one request and files the answer: the Location (or '' without one)
   * when accepted, undefined otherwise. `maybe` runs when the answer was lost
   * or was a server error, after which the change may or may not have been made.
   */
  private async send(
    kind: RequestKind,
    method: string,
    path: string,
    body?: unknown,
    maybe?: () => void,
  ): Promise<string | undefined> {
    const answer = await this.request(method, path, body);
    if ('lost' in answer) {
      this.ledger.lost(kind);
      maybe?.();
      return undefined;
    }
    if (answer.status < 300) return answer.location ?? '';
    if (answer.status >= 500) {
      this.ledger.serverErrors.push({ kind, status: answer.status, code: answer.code, at: Date.now() });
      maybe?.();
    } else {
      this.ledger.refuse(kind, answer.status, answer.code);
    }
    return undefined;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Answer> {
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: {
          'ld-api-key': this.apiKey,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      let code = '';
      if (response.status >= 400) {
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
        } catch {
          code = 'not-json';
        }
      }
      return { status: response.status, code, location: response.headers.get('location') };
    } catch (err) {
      return { lost: (err as Error).name };
    }
  }
}
