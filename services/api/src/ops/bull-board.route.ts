import type { JobQueues } from '@backups/shared/jobs';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.js';
import { securityHeadersMiddleware } from '../http/security-headers.js';
import type { ApiApp } from '../routes/route-kit.js';
import { BULL_BOARD_CSP, boardCsrfGuard, withoutThirdPartyFonts } from './bull-board-guards.js';
import { type OperatorCredentials, operatorAuth } from './operator-auth.middleware.js';

export const BULL_BOARD_PATH = '/admin/queues';

export interface BullBoardSettings {
  /** No credentials: the dashboard is not mounted at all (404), never open. */
  operator: OperatorCredentials | null;
  /** Read-only refuses retry, clean, add, pause and other job actions (405). */
  readOnly: boolean;
}

/**
 * Bull Board on every queue of this fleet (`operations`, `deletes`,
 * `maintenance`, under the configured prefix), behind operator Basic auth.
 * Jobs are only signals (Postgres holds the work), so the board is for seeing
 * queue health; acting on jobs from it is off unless explicitly enabled.
 */
export function registerBullBoard(
  app: ApiApp,
  queues: JobQueues,
  settings: BullBoardSettings,
  throttleFailedAuth: MiddlewareHandler<AppEnv>,
): void {
  if (!settings.operator) return;
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode: settings.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Backups queues' } },
  });
  // Headers first, so refusals carry them too; the CSRF check after authentication.
  const guards = [
    securityHeadersMiddleware(BULL_BOARD_CSP),
    throttleFailedAuth,
    operatorAuth(settings.operator),
    ...(settings.readOnly ? [] : [boardCsrfGuard()]),
    withoutThirdPartyFonts(),
  ];
  app.use(BULL_BOARD_PATH, ...guards);
  app.use(`${BULL_BOARD_PATH}/*`, ...guards);
  app.route(BULL_BOARD_PATH, serverAdapter.registerPlugin());
}
