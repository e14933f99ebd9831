import { describe, expect, it } from 'vitest';
import { classifyEc2Error, ec2ErrorCode } from './ec2-errors.js';

const sdkError = (name: string, status = 400) =>
  Object.assign(new Error(name), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });

describe('classifyEc2Error', () => {
  it.each([
    'RequestLimitExceeded',
    'ConcurrentSnapshotLimitExceeded',
    'SnapshotCreationPerVolumeRateExceeded',
    'PendingSnapshotLimitExceeded',
  ])('treats %s as a wait', (code) => {
    expect(classifyEc2Error(sdkError(code))).toBe('wait');
  });

  it('treats any 5xx as a wait', () => {
    expect(classifyEc2Error(sdkError('SomethingBroke', 503))).toBe('wait');
  });

  it('treats network errors as waits', () => {
    expect(classifyEc2Error(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('wait');
  });

  it('treats *.NotFound as a fact', () => {
    expect(classifyEc2Error(sdkError('InvalidSnapshot.NotFound'))).toBe('not_found');
    expect(classifyEc2Error(sdkError('InvalidVolume.NotFound'))).toBe('not_found');
  });

  it('treats other client errors as failures', () => {
    expect(classifyEc2Error(sdkError('IncorrectState'))).toBe('failure');
    expect(classifyEc2Error(sdkError('UnauthorizedOperation', 403))).toBe('failure');
    expect(ec2ErrorCode(sdkError('IncorrectState'))).toBe('IncorrectState');
  });
});
