// Types for the browser module beside it, so unit tests can import it.
export interface BackupLike {
  id: string;
  status: string;
}
export interface RestoreLike {
  status: string;
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
