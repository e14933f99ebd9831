// The operations log's kinds and statuses. The migration's CHECK constraints
// mirror these lists; change both together.

/** Operations that run one at a time, in request order, per deployment. */
export const OPERATION_KINDS = ['backup', 'restore', 'upgrade'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** The head of a deployment's log is its lowest operation still in one of these. */
export const UNFINISHED_OPERATION_STATUSES = ['queued', 'running'] as const satisfies OperationStatus[];

/** A lease (and the fence that guards it) is only worth anything while the operation is in one of these. */
export const LEASED_OPERATION_STATUSES = ['running'] as const satisfies OperationStatus[];

/** How an operation ends: the statuses finishOperation may set. */
export const OPERATION_OUTCOMES = ['succeeded', 'failed'] as const satisfies OperationStatus[];
export type OperationOutcome = (typeof OPERATION_OUTCOMES)[number];
