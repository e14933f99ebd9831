import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Seeded, seedTenant, useApi } from './harness.js';

// Every route refuses ids that are not positive int64 with 400, naming each offending path field.

const api = useApi();
let t: Seeded;
beforeAll(async () => {
  t = await seedTenant(api.em());
});

const BAD_IDS = ['0', '-5', 'abc', '9223372036854775808', '1.0', '007'];

const ROUTES = [
  { method: 'GET', template: '/deployments/{deployment_id}/backups' },
  { method: 'POST', template: '/deployments/{deployment_id}/backups' },
  { method: 'GET', template: '/deployments/{deployment_id}/backups/{backup_id}' },
  { method: 'POST', template: '/deployments/{deployment_id}/backups/{backup_id}/restore' },
  { method: 'DELETE', template: '/deployments/{deployment_id}/backups/{backup_id}' },
  { method: 'GET', template: '/deployments/{deployment_id}/restores' },
  { method: 'GET', template: '/deployments/{deployment_id}/restores/{restore_id}' },
  { method: 'GET', template: '/deployments/{deployment_id}/backup-schedule' },
  { method: 'PUT', template: '/deployments/{deployment_id}/backup-schedule' },
  { method: 'DELETE', template: '/deployments/{deployment_id}/backup-schedule' },
  { method: 'GET', template: '/deployments/{deployment_id}/nodes' },
  { method: 'POST', template: '/deployments/{deployment_id}/upgrade' },
  { method: 'GET', template: '/deployments/{deployment_id}/upgrades/{upgrade_id}' },
] as const;

describe.each(ROUTES)('$method $template', ({ method, template }) => {
  const params = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');

  it('answers 400 invalid_request naming each bad path id', async () => {
    for (const bad of BAD_IDS) {
      for (const badParam of params) {
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
          name === badParam ? bad : t.deploymentId.toString(),
        );
        const res = await api.request(method, path, {
          key: t.key,
          ...(method === 'POST' ? { body: { name: 'x' } } : {}),
        });
        expectError(res, 400, 'invalid_request');
        const fields = (res.json as { error: { details: Array<{ field: string }> } }).error.details.map(
          (d) => d.field,
        );
        expect(fields, res.text).toEqual([badParam]);
      }
    }
  });
});
