import { backupStep } from '../backup/backup.handler.js';
import { restoreStep } from '../restore/restore.handler.js';
import { upgradeStep } from '../upgrade/upgrade.handler.js';
import type { OperationHandlers } from './operation-context.js';

/** The state machine of each operation kind; a kind without one is never started. */
export function operationHandlers(overrides: OperationHandlers = {}): OperationHandlers {
  return {
    backup: backupStep,
    restore: restoreStep,
    upgrade: upgradeStep,
    ...overrides,
  };
}
