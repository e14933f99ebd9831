// The operations log's kinds and statuses. The migration's CHECK constraints
// mirror these lists; change both together.

/** Operations that run one at a time, in request order, per deployment. */
export const OPERATION_KINDS = ['backup', 'restore', 'upgrade'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The head of a deployment's log is its lowest operation still in one of these. */
export const UNFINISHED_OPERATION_STATUSES = ['queued', 'running'] as const;
