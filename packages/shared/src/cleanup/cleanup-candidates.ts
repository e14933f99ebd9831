import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type CleanupCandidate,
  CleanupCandidateSchema,
  type CleanupKind,
} from './cleanup-candidate.entity.js';

// The cleanup_candidates table: when each orphaned tagged resource of a region
// was first seen, so it is deleted only after the safety delay.

export interface Orphan {
  id: string;
  kind: CleanupKind;
  reason: string;
}

/**
 * Makes a region's candidates exactly `orphans`: forgets what is no longer
 * orphaned, adds the new ones first seen `now`, and keeps the first sighting
 * (only the reason is refreshed) of the ones already known.
 */
export async function recordOrphans(
  em: EntityManager,
  region: string,
  orphans: readonly Orphan[],
  now: Date,
): Promise<void> {
  if (orphans.length === 0) {
    await em.nativeDelete(CleanupCandidateSchema, { region });
    return;
  }
  await em.nativeDelete(CleanupCandidateSchema, { region, resourceId: { $nin: orphans.map((o) => o.id) } });
  await em.upsertMany(
    CleanupCandidateSchema,
    orphans.map((o) => ({ resourceId: o.id, region, kind: o.kind, reason: o.reason, firstSeenAt: now })),
    { onConflictFields: ['resourceId'], onConflictMergeFields: ['reason'] },
  );
}

/** The candidates among `resourceIds` first seen at or before `seenBefore`. */
export function dueCandidates(
  em: EntityManager,
  region: string,
  resourceIds: readonly string[],
  seenBefore: Date,
): Promise<CleanupCandidate[]> {
  if (resourceIds.length === 0) return Promise.resolve([]);
  return em.find(
    CleanupCandidateSchema,
    { region, resourceId: { $in: [...resourceIds] }, firstSeenAt: { $lte: seenBefore } },
    { disableIdentityMap: true },
  );
}

/** The resource was deleted: nothing to remember. */
export async function forgetCandidate(em: EntityManager, resourceId: string): Promise<void> {
  await em.nativeDelete(CleanupCandidateSchema, { resourceId });
}
