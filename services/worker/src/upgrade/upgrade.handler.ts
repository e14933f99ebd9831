import type { OperationHandler } from '../operations/operation-context.js';

/**
 * The hook for `upgrade` operations (SPEC §5 "Pre-upgrade backups"): the body is
 * the scheduler engineer's to write. Until it exists the drive loop refuses to
 * start an upgrade (it stays queued, in order, and blocks only its deployment),
 * rather than failing it or skipping past it.
 *
 * Contract: like the other handlers, one idempotent step per call, writes through
 * `ctx.fenced`, `ctx.guard()` before EC2 mutations, waiting as `continueAfter`.
 */
export const upgradeStep: OperationHandler | undefined = undefined;
