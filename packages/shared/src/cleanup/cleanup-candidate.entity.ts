import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const CLEANUP_KINDS = ['snapshot', 'volume'] as const;
export type CleanupKind = (typeof CLEANUP_KINDS)[number];

/**
 * A tagged EC2 snapshot or volume that nothing references. It is deleted only
 * once it has stayed orphaned for a safety delay counted from `firstSeenAt`:
 * a snapshot a worker has just created but not yet recorded must never be
 * mistaken for one.
 */
export const CleanupCandidateSchema = defineEntity({
  name: 'CleanupCandidate',
  tableName: 'cleanup_candidates',
  properties: (p) => ({
    resourceId: p.text().primary(),
    region: p.text(),
    kind: p.enum([...CLEANUP_KINDS]),
    reason: p.text(),
    firstSeenAt: p.datetime().onCreate(() => new Date()),
  }),
});
export type CleanupCandidate = InferEntity<typeof CleanupCandidateSchema>;
