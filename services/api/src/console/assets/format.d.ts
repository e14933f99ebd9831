// Types for the browser module beside it, so unit tests can import it.
export interface BackupLike {
  id: string;
  status: string;
}
export interface RestoreLike {
  status: string;
  step?: string | null;
  error?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  new_volume_ids?: string[];
}
export function formatSize(sizeBytes: number | string | null | undefined): string;
export function formatTime(iso: string | null | undefined, locale?: string): string;
export const STATUS_LABELS: Record<string, string>;
export const TYPE_LABELS: Record<string, string>;
export function statusLabel(status: string): string;
export function typeLabel(type: string): string;
export function canDelete(backup: BackupLike, restoringBackupId: string | null): boolean;
export function canRestore(backup: BackupLike, restoreActive: boolean): boolean;
export function isActiveRestore(restore: RestoreLike): boolean;
export function isBusy(backups: BackupLike[], restores: RestoreLike[]): boolean;
export const FAST_POLL_MS: number;
export const SLOW_POLL_MS: number;
export function formatElapsed(fromIso: string | null | undefined, nowMs: number): string;
export function isRunning(backup: BackupLike): boolean;
export function progressValue(backup: { progress?: number | null }): number | null;
export function splitRemarks(backup: { status: string; remarks?: string | null }): {
  reason: string | null;
  remarks: string;
};
export const RESTORE_STEPS: Record<string, string>;
export function stepLabel(step: string | null | undefined): string;
export function restoreOutcome(restore: RestoreLike): string;
export function restoreDuration(restore: RestoreLike, nowMs: number): string;
export function filterByType<T extends { backup_type: string }>(backups: T[], type: string): T[];
