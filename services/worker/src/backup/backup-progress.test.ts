import type { SnapshotInfo } from '@backups/shared/ec2';
import { describe, expect, it } from 'vitest';
import {
  backupPhase,
  type SnapshotRow,
  snapshotExclusions,
  snapshotUpdate,
  snapshotVerdict,
  VANISHED,
} from './backup-progress.js';

const row = (n: number, over: Partial<SnapshotRow> = {}): SnapshotRow => ({
  id: BigInt(n),
  nodeId: 1n,
  volumeId: `vol-${n}`,
  deviceName: '/dev/sdf',
  volumeSizeGib: 10,
  snapshotId: `snap-${n}`,
  state: 'pending',
  progress: 0,
  sizeBytes: null,
  stateMessage: null,
  ...over,
});
const info = (n: number, over: Partial<SnapshotInfo> = {}): [string, SnapshotInfo] => [
  `snap-${n}`,
  {
    snapshotId: `snap-${n}`,
    volumeId: `vol-${n}`,
    state: 'pending',
    progress: 0,
    stateMessage: null,
    volumeSizeGiB: 10,
    fullSizeBytes: null,
    tags: {},
    ...over,
  },
];

describe('backupPhase', () => {
  it('walks pending → create → poll → finished', () => {
    expect(backupPhase({ status: 'pending', failureReason: null }, [])).toEqual({ kind: 'start' });
    expect(
      backupPhase({ status: 'in_progress', failureReason: null }, [row(1, { snapshotId: null })]).kind,
    ).toBe('create_snapshots');
    expect(backupPhase({ status: 'in_progress', failureReason: null }, [row(1)]).kind).toBe(
      'await_snapshots',
    );
    expect(backupPhase({ status: 'completed', failureReason: null }, [])).toMatchObject({
      outcome: 'succeeded',
    });
  });
  it('cleans up before anything else once a failure is recorded', () => {
    expect(
      backupPhase({ status: 'in_progress', failureReason: 'x' }, [row(1, { snapshotId: null })]),
    ).toEqual({
      kind: 'cleanup_failed',
      reason: 'x',
    });
  });
  it('ends an operation whose backup was deleted meanwhile', () => {
    expect(backupPhase({ status: 'deleted', failureReason: null }, [])).toMatchObject({
      kind: 'finished',
      outcome: 'failed',
    });
  });
});

describe('snapshotUpdate', () => {
  it('records progress, and nothing when nothing moved', () => {
    expect(snapshotUpdate(row(1), info(1, { progress: 40 })[1])).toMatchObject({
      state: 'pending',
      progress: 40,
    });
    expect(snapshotUpdate(row(1, { progress: 40 }), info(1, { progress: 40 })[1])).toBeNull();
  });
  it('completes with the full size, falling back to the volume size', () => {
    expect(snapshotUpdate(row(1), info(1, { state: 'completed', fullSizeBytes: 1000n })[1])).toMatchObject({
      state: 'completed',
      progress: 100,
      sizeBytes: 1000n,
    });
    expect(snapshotUpdate(row(1), info(1, { state: 'completed' })[1])?.sizeBytes).toBe(10n * 1024n ** 3n);
  });
  it("keeps EC2's words for an error, and marks a snapshot EC2 no longer knows", () => {
    expect(
      snapshotUpdate(row(1), info(1, { state: 'error', stateMessage: 'disk on fire' })[1]),
    ).toMatchObject({
      state: 'error',
      stateMessage: 'disk on fire',
    });
    expect(snapshotUpdate(row(1), undefined)).toMatchObject({ state: 'error', stateMessage: VANISHED });
  });
});

describe('snapshotVerdict', () => {
  it('stays pending while any snapshot is', () => {
    expect(snapshotVerdict([row(1, { state: 'completed' }), row(2)])).toEqual({ kind: 'pending' });
  });
  it('completes with the recorded sizes, falling back to volume sizes', () => {
    expect(
      snapshotVerdict([row(1, { state: 'completed', sizeBytes: 1000n }), row(2, { state: 'completed' })]),
    ).toEqual({ kind: 'completed', sizeBytes: 1000n + 10n * 1024n ** 3n });
  });
  it('fails with an actionable reason on error', () => {
    const v = snapshotVerdict([row(1, { state: 'error', stateMessage: 'disk on fire' }), row(2)]);
    expect(v.kind === 'failed' && v.reason).toMatch(
      /snap-1 of volume vol-1 .*disk on fire.*create a new backup/,
    );
  });
  it('fails when a snapshot vanished', () => {
    const v = snapshotVerdict([row(1, { state: 'error', stateMessage: VANISHED })]);
    expect(v.kind === 'failed' && v.reason).toMatch(/snap-1 .*disappeared from EC2/);
  });
});

describe('snapshotExclusions', () => {
  it('excludes uncovered and already-snapshotted volumes and reports detached ones', () => {
    const r = snapshotExclusions(
      ['vol-a', 'vol-b', 'vol-c'],
      [
        { volumeId: 'vol-a', snapshotId: null },
        { volumeId: 'vol-b', snapshotId: 'snap-b' },
        { volumeId: 'vol-z', snapshotId: null },
      ],
    );
    expect(r).toEqual({ exclude: ['vol-b', 'vol-c'], missing: ['vol-z'], toCreate: ['vol-a', 'vol-z'] });
  });
});
