import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Chromium, launchChromium, recordPageErrors } from '@backups/testing/chromium';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedFleet, useFleetProcess } from './fleet-process.js';

// The Console's Backups tab in Debian's headless Chromium against the whole
// local fleet (`pnpm dev`: the API, two workers, the scheduler and the EC2
// emulator at the time scale a newcomer sees): nothing is seeded behind the
// page's back, every state it shows was reached by the real services.
// The tests run in order, each building on the one before, as a user would.

const fleet = useFleetProcess();
const SCREENSHOT = fileURLToPath(new URL('../../../docs/console-backups-tab.png', import.meta.url));
const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

let started: StartedFleet;
let browser: Chromium;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // 0.1, pnpm dev's default: a 20 GiB snapshot takes about 18 s, long enough to watch.
  started = await fleet.start({ EC2_TIME_SCALE: '0.1' });
  browser = await launchChromium({
    locale: 'en-GB',
    timezoneId: 'Europe/Warsaw',
    viewport: { width: 1280, height: 900 },
  });
  page = await browser.context.newPage();
  // The 4xx answers the page handles (the rejected key, "no schedule", a refused cron) are
  // logged by Chromium too; anything else in the console is a finding.
  recordPageErrors(page, pageErrors, /status of 40\d/);
});

afterAll(async () => {
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

const rowNamed = (name: string): Locator => page.locator('#backups-body tr', { hasText: name });

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${started.apiUrl}/deployments/${started.deploymentId}${path}`, {
    method,
    headers: { 'ld-api-key': started.key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** Reads `read` every 200 ms until `done` says so, keeping every distinct value seen on the way. */
async function watch<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T[]> {
  const seen: T[] = [];
  await fleet.waitFor(
    what,
    async () => {
      const value = await read();
      if (!seen.includes(value)) seen.push(value);
      if (done(value)) return true;
      await page.waitForTimeout(200);
      return undefined;
    },
    150_000,
  );
  return seen;
}

describe('the Console on the local fleet', () => {
  it('keeps a rejected key on the prompt, then signs in with the demo key', async () => {
    await page.goto(started.consoleUrl);
    const keyInput = page.getByLabel('API key', { exact: true });
    await keyInput.fill('ld_not_a_real_key_at_all');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('#key-error').textContent()).toMatch(/key/i);
    expect(await keyInput.isVisible()).toBe(true);

    await keyInput.fill(started.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#empty-state').waitFor({ state: 'visible' });
    await page.locator('#restores-empty').waitFor({ state: 'visible' });
    expect(await page.locator('#loading-state').isHidden()).toBe(true);
  });

  it('creates a backup of one node with remarks; its progress bar moves while it runs, then it completes', async () => {
    await page.getByRole('button', { name: 'Create Backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Backup' });
    await dialog.getByLabel('Name').fill('console-e2e');
    // The node selector lists the deployment's nodes by name once they have loaded.
    const nodes = dialog.getByLabel('Nodes');
    await expect
      .poll(() => nodes.locator('option').allTextContents())
      .toEqual(['All nodes', 'node-1 (us-west-1a)', 'node-2 (us-west-1b)']);
    await nodes.selectOption({ label: 'node-1 (us-west-1a)' });
    await dialog.getByLabel('Remarks').fill('before the schema migration');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = rowNamed('console-e2e');
    await row.waitFor();
    expect(await row.locator('.remarks').textContent()).toBe('before the schema migration');
    expect(await row.locator('.scope').textContent()).toBe('node-1');

    const bar = row.locator('progress');
    const percents = await watch(
      'the backup to complete',
      async () =>
        (await row.locator('.badge').textContent()) === 'Completed'
          ? 'done'
          : (((await bar.isVisible()) ? await bar.getAttribute('value') : null) ?? 'no value'),
      (value) => value === 'done',
    );
    // Several readings strictly between 0 and 100, in increasing order: the bar moved.
    const moving = percents.filter((p) => p !== 'done' && p !== 'no value').map(Number);
    const between = moving.filter((p) => p > 0 && p < 100);
    expect(between.length, `progress seen: ${percents.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect([...moving].sort((a, b) => a - b)).toEqual(moving);
    expect(await bar.isHidden()).toBe(true);

    // The API agrees: one node, one snapshot (node-1 has one data volume).
    const listed = await api('GET', '/backups');
    const backup = (
      JSON.parse(listed.text) as Array<{ name: string; node_id: number; snapshot_ids: string[] }>
    ).find((b) => b.name === 'console-e2e');
    expect(backup?.snapshot_ids).toHaveLength(1);
    expect(backup?.node_id).toBeTypeOf('number');
  });

  it('restores from it: the restore shows in Restores at once, moves through its steps and completes', async () => {
    const row = rowNamed('console-e2e');
    await row.getByRole('button', { name: 'Restore console-e2e' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The new restore's row is where the reader is taken.
    const restoreRow = page.locator('#restores-body tr').first();
    await expect
      .poll(() => page.evaluate('document.activeElement?.dataset?.restoreId ?? null'))
      .toBe(await restoreRow.getAttribute('data-restore-id'));
    expect(await restoreRow.locator('td.backup').textContent()).toBe('console-e2e');

    const outcomes = await watch(
      'the restore to complete',
      async () =>
        `${await restoreRow.locator('.badge').textContent()}: ${await restoreRow.locator('td.outcome').textContent()}`,
      (value) => value.startsWith('Completed'),
    );
    expect(
      outcomes.some((o) => /^In Progress: .+ \(step \d of 7\)$/.test(o)),
      outcomes.join(' | '),
    ).toBe(true);
    expect(outcomes.at(-1)).toBe('Completed: Restored: 1 volume replaced.');
    expect(await restoreRow.locator('td.duration').textContent()).toMatch(/\d+ s$/);
  });

  it('creates the schedule (refusing a DST-crossing cron inline), edits, disables and deletes it', async () => {
    const scheduleOnApi = async () => (await api('GET', '/backup-schedule')).status;
    await page.locator('#schedule-empty').waitFor();
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create schedule' });
    const cron = dialog.getByLabel('Cron expression');
    await cron.fill('5,55 1,3 * * *');
    await dialog.getByLabel('Time zone').fill('Europe/Warsaw');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    // 01:55 CET is followed by 03:05 CEST on the spring-forward night: the API's message, under the field.
    await expect.poll(() => page.locator('#schedule-cron-error').textContent()).toContain('every 15 minutes');
    expect(await cron.getAttribute('aria-invalid')).toBe('true');
    expect(await scheduleOnApi()).toBe(404);

    await cron.fill('0 3 * * *');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('#schedule-cron').textContent()).toBe('0 3 * * *');
    // 03:00 in Warsaw, shown in the browser's zone (Warsaw too).
    for (const run of await page.locator('#schedule-runs time').allTextContents())
      expect(run).toMatch(/03:00$/);

    await page.getByRole('button', { name: 'Edit schedule' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit schedule' });
    await editor.getByLabel(/Backups to keep/).fill('5');
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await editor.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('#schedule-keep').textContent()).toBe('Newest 5 scheduled backups');

    await page.getByRole('button', { name: 'Disable schedule' }).click();
    await expect.poll(() => page.locator('#schedule-status').textContent()).toBe('Disabled');
    expect(JSON.parse((await api('GET', '/backup-schedule')).text)).toMatchObject({
      enabled: false,
      keep_count: 5,
    });
    await page.getByRole('button', { name: 'Enable schedule' }).click();
    await expect.poll(() => page.locator('#schedule-status').textContent()).toBe('Enabled');

    await page.getByRole('button', { name: 'Delete schedule' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete schedule' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.locator('#schedule-empty').waitFor();
    expect(await scheduleOnApi()).toBe(404);

    // One more, kept for the screenshot.
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await dialog.getByLabel('Cron expression').fill('0 3 * * *');
    await dialog.getByLabel('Time zone').fill('Europe/Warsaw');
    await dialog.getByLabel(/Backups to keep/).fill('7');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await scheduleOnApi()).toBe(200);
  });

  it('filters backups by type', async () => {
    // An upgrade takes a pre-upgrade backup of every node first.
    const upgrade = await api('POST', '/upgrade', { target_version: '0.9.9' });
    expect(upgrade.status, upgrade.text).toBe(204);
    const preUpgrade = page.locator('#backups-body tr', { hasText: 'Pre-upgrade' });
    await preUpgrade.waitFor();

    const filter = page.getByLabel('Type', { exact: true });
    await filter.selectOption({ label: 'Pre-upgrade' });
    await expect
      .poll(() => page.locator('#backups-body td.type > span:first-child').allTextContents())
      .toEqual(['Pre-upgrade']);
    await filter.selectOption({ label: 'Manual' });
    await expect
      .poll(() => page.locator('#backups-body tr td.name strong').allTextContents())
      .toEqual(['console-e2e']);
    await filter.selectOption({ label: 'Scheduled' });
    await page.locator('#filtered-empty-state').waitFor({ state: 'visible' });
    expect(await page.locator('#filtered-empty-state').textContent()).toContain('No scheduled backups');
    expect(await page.locator('#backups-table').isHidden()).toBe(true);
    await filter.selectOption({ label: 'All types' });
    await expect.poll(() => page.locator('#backups-body tr').count()).toBe(2);
  });

  it('makes the README screenshot of the tab while a backup runs', async () => {
    await page.getByRole('button', { name: 'Create Backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Backup' });
    await dialog.getByLabel('Name').fill('nightly-orders');
    await dialog.getByLabel('Expiry in days').fill('30');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // It may queue behind the upgrade; the picture is taken once its bar shows a value.
    const bar = rowNamed('nightly-orders').locator('progress[value]');
    await fleet.waitFor(
      'the new backup to show progress',
      async () => ((await bar.isVisible()) ? true : undefined),
      150_000,
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(await readFile(README, 'utf8')).toContain('docs/console-backups-tab.png');
  });
});
