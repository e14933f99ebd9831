import { registerCreateBackup } from './backups.create.route.js';
import { registerDeleteBackup } from './backups.delete.route.js';
import { registerGetBackup } from './backups.get.route.js';
import { registerListBackups } from './backups.list.route.js';
import { registerRestoreBackup } from './backups.restore.route.js';
import { registerListNodes } from './nodes.list.route.js';
import { registerGetRestore } from './restores.get.route.js';
import { registerListRestores } from './restores.list.route.js';
import type { ApiApp, RouteDeps } from './route-kit.js';
import { registerDeleteSchedule } from './schedule.delete.route.js';
import { registerGetSchedule } from './schedule.get.route.js';
import { registerPutSchedule } from './schedule.put.route.js';
import { registerCreateUpgrade } from './upgrade.create.route.js';
import { registerGetUpgrade } from './upgrades.get.route.js';

export const TENANT_ROUTES = [
  registerListBackups,
  registerCreateBackup,
  registerGetBackup,
  registerRestoreBackup,
  registerDeleteBackup,
  registerListRestores,
  registerGetRestore,
  registerGetSchedule,
  registerPutSchedule,
  registerDeleteSchedule,
  registerCreateUpgrade,
  registerGetUpgrade,
  registerListNodes,
] as const;

export function registerTenantRoutes(app: ApiApp, deps: RouteDeps): void {
  for (const register of TENANT_ROUTES) register(app, deps);
}
