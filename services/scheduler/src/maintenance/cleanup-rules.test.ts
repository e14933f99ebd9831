import type { SnapshotInfo, VolumeInfo } from '@backups/shared/ec2';
import { describe, expect, it } from 'vitest';
import { classifySnapshot, classifyVolume, type References } from './cleanup-rules.js';

const refs = (over: Partial<References> = {}): References => ({
  backupStatus: new Map([
    ['1', 'completed'],
    ['2', 'in_progress'],
    ['3', 'failed'],
    ['4', 'deleting'],
  ]),
  recordedSnapshots: new Set(['snap-recorded']),
  currentVolumes: new Set(['vol-current']),
  restoreStatus: new Map([
    ['10', 'in_progress'],
    ['11', 'rolled_back'],
  ]),
  activeRestoreVolumes: new Set(['vol-planned']),
  ...over,
});

const snap = (id: string, backup?: string): SnapshotInfo => ({
  snapshotId: id,
  volumeId: 'vol-x',
  state: 'completed',
  progress: 100,
  stateMessage: null,
  volumeSizeGiB: 10,
  fullSizeBytes: null,
  tags: backup ? { 'backups:backup': backup } : {},
});

const vol = (id: string, tags: Record<string, string> = {}, state = 'available'): VolumeInfo => ({
  volumeId: id,
  availabilityZone: 'us-west-1a',
  state,
  sizeGiB: 10,
  volumeType: 'gp3',
  iops: null,
  throughput: null,
  encrypted: false,
  kmsKeyId: null,
  snapshotId: null,
  attachments: [],
  tags,
});

describe('classifySnapshot', () => {
  it.each([
    ['recorded by a completed backup', snap('snap-recorded', '1'), 'keep'],
    ['unrecorded, its backup still running (worker may adopt it)', snap('snap-new', '2'), 'keep'],
    ['unrecorded, its backup being deleted', snap('snap-d', '4'), 'keep'],
    ['unrecorded duplicate of a completed backup', snap('snap-dup', '1'), 'orphan'],
    ['of a failed backup', snap('snap-f', '3'), 'orphan'],
    ['of a backup that does not exist', snap('snap-gone', '99'), 'orphan'],
    ['without a backup tag', snap('snap-notag'), 'orphan'],
  ])('%s → %s', (_name, s, action) => {
    expect(classifySnapshot(s, refs()).action).toBe(action);
  });
});

describe('classifyVolume', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const opts = { now, graceMs: 24 * 3600_000, tagReplacedAt: 'backups:replaced-at' };
  it.each([
    ['a node’s current volume', vol('vol-current', { 'backups:restore': '11' }), 'keep'],
    ['in use', vol('vol-used', { 'backups:restore': '11' }, 'in-use'), 'keep'],
    ['planned by an active restore', vol('vol-planned', { 'backups:restore': '10' }), 'keep'],
    ['created by a restore still running', vol('vol-r', { 'backups:restore': '10' }), 'keep'],
    ['left by a rolled-back restore', vol('vol-rb', { 'backups:restore': '11' }), 'orphan'],
    ['replaced 25 h ago', vol('vol-old', { 'backups:replaced-at': '2026-11-26T11:00:00Z' }), 'delete-now'],
    ['replaced 2 h ago', vol('vol-young', { 'backups:replaced-at': '2026-11-27T10:00:00Z' }), 'keep'],
    ['tagged ours, nothing else', vol('vol-stray'), 'orphan'],
  ])('%s → %s', (_name, v, action) => {
    expect(classifyVolume(v, refs(), opts).action).toBe(action);
  });
});
