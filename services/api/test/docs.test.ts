import { describe, expect, it } from 'vitest';
import { expectError, useApi } from './harness.js';

const api = useApi();

describe('OpenAPI document, reference page, health', () => {
  it('publishes an OpenAPI 3.1 document with every tenant route, the ld-api-key scheme and the create body', async () => {
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: unknown }> };
            responses: Record<string, unknown>;
          }
        >
      >;
      components: {
        securitySchemes: Record<string, unknown>;
        schemas: Record<
          string,
          { properties?: Record<string, unknown>; additionalProperties?: unknown; required?: string[] }
        >;
      };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/deployments/{deployment_id}/backup-schedule',
      '/deployments/{deployment_id}/backups',
      '/deployments/{deployment_id}/backups/{backup_id}',
      '/deployments/{deployment_id}/backups/{backup_id}/restore',
      '/deployments/{deployment_id}/nodes',
      '/deployments/{deployment_id}/restores',
      '/deployments/{deployment_id}/restores/{restore_id}',
      '/deployments/{deployment_id}/upgrade',
      '/deployments/{deployment_id}/upgrades/{upgrade_id}',
    ]);
    const schedule = doc.paths['/deployments/{deployment_id}/backup-schedule'];
    expect(Object.keys(schedule ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    const backups = doc.paths['/deployments/{deployment_id}/backups'];
    expect(Object.keys(backups ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(backups?.post?.responses ?? {})).toContain('204');
    expect(backups?.post?.requestBody?.content['application/json']).toBeDefined();
    expect(doc.components.securitySchemes.ApiKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'ld-api-key',
    });
    const create = doc.components.schemas.CreateBackupRequest;
    expect(Object.keys(create?.properties ?? {}).sort()).toEqual([
      'backup_type',
      'expires_in_days',
      'name',
      'node_id',
      'remarks',
    ]);
    expect(create?.required).toEqual(['name']);
    expect(create?.additionalProperties).toBe(false);
    const backup = doc.components.schemas.Backup;
    expect(Object.keys(backup?.properties ?? {})).toHaveLength(16);
    expect(backup?.properties?.progress).toMatchObject({
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 100,
    });
    expect(backup?.required).toContain('progress');
  });

  it('serves the interactive reference page and its assets locally (no CDN)', async () => {
    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
      const asset = await fetch(`${api.url}${src}`);
      expect(asset.status, String(src)).toBe(200);
      expect((await asset.text()).length).toBeGreaterThan(20);
    }
  });

  it('answers /healthz and /readyz, and unknown paths with the error shape', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    expectError(await api.request('GET', '/nope'), 404, 'not_found');
    const echoed = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'req-abc-12345' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-abc-12345');
    const replaced = await api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
