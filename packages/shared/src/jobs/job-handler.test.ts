import { describe, expect, it } from 'vitest';
import { checkHandlers, defineJobHandler } from './job-handler.js';

const noop = async () => undefined;

describe('checkHandlers', () => {
  it('accepts exactly one handler per job of the consumed queues', () => {
    const handlers = [defineJobHandler('operation.drive', noop), defineJobHandler('backup.delete', noop)];
    expect(checkHandlers(handlers, ['operations', 'deletes'])).toEqual([]);
  });
  it('refuses a missing handler', () => {
    expect(checkHandlers([defineJobHandler('operation.drive', noop)], ['operations', 'deletes'])).toEqual([
      'job backup.delete (queue deletes) has no handler',
    ]);
  });
  it('refuses two handlers for one job', () => {
    const handlers = [defineJobHandler('backup.delete', noop), defineJobHandler('backup.delete', noop)];
    expect(checkHandlers(handlers, ['deletes'])).toEqual(['job backup.delete has 2 handlers']);
  });
  it('refuses a handler for a queue not consumed', () => {
    expect(checkHandlers([defineJobHandler('maintenance.expire', noop)], [])).toHaveLength(1);
  });
});
