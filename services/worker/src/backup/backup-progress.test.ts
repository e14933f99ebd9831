import type { SnapshotInfo } from '@backups/shared/ec2';
import { describe, expect, it } from 'vitest';
import { backupPhase, evaluateSnapshots, type SnapshotRow, snapshotExclusions } from './backup-progress.js';

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
    expect(backupPhase({ status: 'in_progress', failureReason: null }, [row(1)]).kind).toBe('poll');
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

describe('evaluateSnapshots', () => {
  it('stays pending and records progress', () => {
    const r = evaluateSnapshots(
      [row(1), row(2)],
      new Map([info(1, { progress: 40 }), info(2, { state: 'completed', progress: 100 })]),
    );
    expect(r.verdict).toEqual({ kind: 'pending' });
    expect(r.updates.map((u) => [u.id, u.state, u.progress])).toEqual([
      [1n, 'pending', 40],
      [2n, 'completed', 100],
    ]);
  });
  it('completes with full sizes, falling back to volume size', () => {
    const r = evaluateSnapshots(
      [row(1), row(2)],
      new Map([info(1, { state: 'completed', fullSizeBytes: 1000n }), info(2, { state: 'completed' })]),
    );
    expect(r.verdict).toEqual({ kind: 'completed', sizeBytes: 1000n + 10n * 1024n ** 3n });
  });
  it('fails with an actionable reason on error', () => {
    const r = evaluateSnapshots(
      [row(1), row(2)],
      new Map([info(1, { state: 'error', stateMessage: 'disk on fire' }), info(2)]),
    );
    expect(r.verdict.kind).toBe('failed');
    expect(r.verdict.kind === 'failed' && r.verdict.reason).toMatch(
      /snap-1 of volume vol-1 .*disk on fire.*create a new backup/,
    );
  });
  it('counts snapshots completed on earlier polls without asking again', () => {
    const r = evaluateSnapshots(
      [row(1, { state: 'completed', sizeBytes: 5n }), row(2)],
      new Map([info(2, { state: 'completed', fullSizeBytes: 7n })]),
    );
    expect(r.verdict).toEqual({ kind: 'completed', sizeBytes: 12n });
  });
  it('fails when a snapshot vanished', () => {
    expect(evaluateSnapshots([row(1)], new Map()).verdict.kind).toBe('failed');
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
