import { stringifyJson } from '@backups/shared';
import { describe, expect, it } from 'vitest';
import { publicProgress, publicRemarks, type ShownBackup, serializeBackup } from './backup.serializer.js';
import { rfc3339 } from './timestamp.js';

const base: ShownBackup = {
  id: 611298765432109056n,
  deploymentId: 42n,
  nodeId: null,
  name: 'pre-upgrade-backup',
  backupType: 'manual',
  status: 'completed',
  snapshotIds: ['snap-0abc123def456789a'],
  volumeIds: ['vol-0abc123def456789a'],
  sizeBytes: 53687091200n,
  region: 'us-west-1',
  remarks: null,
  failureReason: null,
  startedAt: new Date('2025-01-15T10:30:00.123Z'),
  completedAt: new Date('2025-01-15T10:45:00.999Z'),
  expiresAt: new Date('2025-02-14T10:30:00Z'),
  createdAt: new Date('2025-01-15T10:30:00.5Z'),
  progress: 100,
};

describe('backup serializer', () => {
  it('writes the documented shape with exact int64 ids and second-precision UTC times', () => {
    const json = stringifyJson(serializeBackup(base));
    expect(json).toBe(
      '{"id":611298765432109056,"deployment_id":42,"node_id":null,"name":"pre-upgrade-backup",' +
        '"backup_type":"manual","status":"completed","snapshot_ids":["snap-0abc123def456789a"],' +
        '"volume_ids":["vol-0abc123def456789a"],"size_bytes":53687091200,"region":"us-west-1","remarks":null,' +
        '"started_at":"2025-01-15T10:30:00Z","completed_at":"2025-01-15T10:45:00Z",' +
        '"expires_at":"2025-02-14T10:30:00Z","created_at":"2025-01-15T10:30:00Z","progress":100}',
    );
  });

  it('says why a backup failed, before the tenant remarks', () => {
    expect(publicRemarks({ status: 'failed', failureReason: 'snapshot error', remarks: null })).toBe(
      'Failed: snapshot error',
    );
    expect(publicRemarks({ status: 'failed', failureReason: 'snapshot error', remarks: 'nightly' })).toBe(
      'Failed: snapshot error | nightly',
    );
    expect(publicRemarks({ status: 'completed', failureReason: null, remarks: 'nightly' })).toBe('nightly');
  });

  it('shows the stored progress, and 100 for a completed backup whatever is stored', () => {
    expect(publicProgress({ status: 'pending', progress: null })).toBeNull();
    expect(publicProgress({ status: 'in_progress', progress: null })).toBeNull();
    expect(publicProgress({ status: 'in_progress', progress: 37 })).toBe(37);
    expect(publicProgress({ status: 'completed', progress: null })).toBe(100);
    expect(publicProgress({ status: 'completed', progress: 99 })).toBe(100);
    expect(publicProgress({ status: 'failed', progress: 40 })).toBe(40);
    expect(serializeBackup({ ...base, status: 'in_progress', progress: 12 }).progress).toBe(12);
  });

  it('truncates, never rounds, sub-second times', () => {
    expect(rfc3339(new Date('2025-12-31T23:59:59.999Z'))).toBe('2025-12-31T23:59:59Z');
  });
});
