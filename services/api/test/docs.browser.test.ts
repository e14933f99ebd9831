import { type Chromium, launchChromium } from '@backups/testing/chromium';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, useApi } from './harness.js';

// The API reference in a real headless Chromium under its CSP: Swagger UI must
// render every operation and "Try it out" must call this origin, with not one
// CSP violation on the way. The policy is strict, so a Swagger UI upgrade that
// needs more (inline styles, eval) fails here rather than in users' browsers.

const api = useApi();
let browser: Chromium;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every CSP violation the page reports, and every console error but the favicon's 404. */
async function watchedPage(): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 404/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  // Runs before the page's own scripts, from outside its CSP.
  await page.addInitScript(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  return {
    page,
    problems: async () => [...errors, ...((await page.evaluate('window.cspViolations')) as string[])],
  };
}

async function execute(operation: Locator, deploymentId: bigint, body?: string): Promise<string> {
  await operation.locator('.opblock-summary-control').click();
  await operation.locator('input[placeholder="deployment_id"]').fill(String(deploymentId));
  if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
  await operation.getByRole('button', { name: 'Execute' }).click();
  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor();
  return ((await status.textContent()) ?? '').trim();
}

describe('API reference page under its CSP', () => {
  it('renders every operation, and Try it out lists and creates against this origin', async () => {
    const t = await seedTenant(api.em());
    const { page, problems } = await watchedPage();
    const calls: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/deployments/')) calls.push(`${req.method()} ${req.url()}`);
    });
    await page.goto(`${api.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    // One block per operation the OpenAPI document describes.
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(operations).toBeGreaterThanOrEqual(13);
    expect(await page.locator('.opblock').count()).toBe(operations);

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const modal = page.locator('.modal-ux');
    await modal.locator('input').first().fill(t.key);
    await modal.locator('button.authorize').click();
    await modal.locator('button.btn-done').click();

    const list = page.locator('#operations-Backups-get_deployments__deployment_id__backups');
    expect(await execute(list, t.deploymentId)).toBe('200');
    const create = page.locator('#operations-Backups-post_deployments__deployment_id__backups');
    expect(await execute(create, t.deploymentId, '{"name":"from-the-reference"}')).toBe('204');

    const base = `${api.url}/deployments/${t.deploymentId}/backups`;
    expect(calls).toEqual([`GET ${base}`, `POST ${base}`]);
    const [created] = await api
      .em()
      .execute<Array<{ name: string }>>('select name from backups where deployment_id = ?', [t.deploymentId]);
    expect(created?.name).toBe('from-the-reference');
    expect(await problems()).toEqual([]);
    await page.close();
  });
});
