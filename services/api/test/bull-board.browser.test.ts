import { waitFor } from '@backups/testing';
import { type Chromium, launchChromium, recordPageErrors } from '@backups/testing/chromium';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from './harness.js';

// Bull Board in a real headless Chromium under its CSP: the page loads, renders
// the queues, breaks no CSP rule (a violation is a console error), and in
// write mode its own actions pass the CSRF check.

const operator = { user: 'ops', password: 'correct horse battery' };
const api = useApi({}, { bullBoard: { operator, readOnly: false } });
let browser: Chromium;
const pages: Page[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium({
    httpCredentials: { username: operator.user, password: operator.password },
    viewport: { width: 1280, height: 800 },
  });
});
afterEach(async () => {
  while (pages.length > 0) await pages.pop()?.close();
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  pages.push(page);
  recordPageErrors(page, pageErrors);
  await page.goto(`${api.url}${path}`);
  return page;
}

describe('Bull Board in Chromium', () => {
  it('loads and lists every queue with no CSP violation', async () => {
    const page = await open('/admin/queues');
    for (const name of ['operations', 'deletes', 'maintenance']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }
    expect(await page.title()).toBe('Backups queues');
  });

  it("removes a job from the board's own button (a same-origin write passes the CSRF check)", async () => {
    await api.queues.enqueue('backup.delete', { backupId: '7' });
    const queue = api.queues.queue('deletes');
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    const page = await open('/admin/queues/queue/deletes?status=waiting');
    await page.getByText('backup.delete').first().waitFor();
    const removed = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/clean$/.test(r.url()));
    // The job card's remove button (an icon without a label), then the dialog's confirmation.
    await page.locator('button:has(svg[class*="trash"])').first().click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect((await removed).status()).toBeLessThan(300);
    await waitFor('the job to be gone', async () => (await queue.getJobCounts('waiting')).waiting === 0);
  });
});
