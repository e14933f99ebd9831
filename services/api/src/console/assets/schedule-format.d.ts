// Types for the browser module beside it, so unit tests can import it.
export interface NodeLike {
  id: string;
  name: string;
}
export interface ScheduleForm {
  cron: string;
  timezone: string;
  nodeId: string;
  keepCount: string;
  expiresInDays: string;
  enabled: boolean;
}
export interface ScheduleBody {
  cron: string;
  timezone: string;
  node_id: string | null;
  keep_count: number | null;
  expires_in_days: number | null;
  enabled: boolean;
}
export const DEFAULT_CRON: string;
export function formatRun(iso: string, locale?: string, timeZone?: string): string;
export function enabledLabel(enabled: boolean): string;
export function keepText(keepCount: number | null | undefined): string;
export function expiryText(days: number | null | undefined): string;
export function nodeLabel(nodeId: string | null | undefined, nodes: NodeLike[]): string;
export function nodeOptions(
  nodes: NodeLike[],
  currentNodeId: string | null,
): Array<{ value: string; label: string }>;
export function timeZoneChoices(supported: string[]): string[];
export function scheduleBody(form: ScheduleForm): ScheduleBody;
export function bodyFromSchedule(schedule: ScheduleBody, changes?: Partial<ScheduleBody>): ScheduleBody;
