import type { EntityManager } from '@mikro-orm/postgresql';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deferred, inPage, useConsolePages, waitForText } from './console-page.js';
import { expectStatus, type Seeded, seedTenant, useApi } from './harness.js';

// The Console's Backup schedule section in a real headless Chromium against the
// real app, Postgres and Redis. The browser runs in Tokyo (UTC+9, no DST), so a
// schedule at 04:30 UTC must be shown at 13:30.

const BROWSER_ZONE = 'Asia/Tokyo';
const api = useApi();
const { open: openConsole } = useConsolePages(api, { locale: 'en-GB', timezoneId: BROWSER_ZONE });

interface ScheduleRow {
  cron: string;
  timezone: string;
  node_id: string | null;
  keep_count: number | null;
  expires_in_days: number | null;
  enabled: boolean;
}

async function scheduleRow(em: EntityManager, deploymentId: bigint): Promise<ScheduleRow | undefined> {
  const [row] = await em.execute<ScheduleRow[]>(
    `select cron, timezone, node_id::text as node_id, keep_count, expires_in_days, enabled
       from backup_schedules where deployment_id = ?`,
    [deploymentId],
  );
  return row;
}

async function putSchedule(seeded: Seeded, body: Record<string, unknown>): Promise<void> {
  expectStatus(
    await api.request('PUT', `/deployments/${seeded.deploymentId}/backup-schedule`, {
      key: seeded.key,
      body,
    }),
    200,
  );
}

const section = (page: Page): Locator => page.locator('#schedule-section');
const fact = (page: Page, name: string): Locator => page.locator(`#schedule-${name}`);
const activeId = (page: Page): Promise<unknown> => inPage(page, 'document.activeElement?.id');

/** Opens the section's edit dialog with the mouse and returns it. */
async function openEditor(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Edit schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit schedule' });
  await dialog.waitFor();
  return dialog;
}

describe('Console Backup schedule section', () => {
  it('shows the empty state, then creates a schedule whose next runs are in the browser’s time zone', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded);
    await waitForText(page.locator('#schedule-empty'), 'No schedule.');
    expect(await fact(page, 'details').isVisible()).toBe(false);

    const create = page.getByRole('button', { name: 'Create schedule' });
    await create.click();
    const dialog = page.getByRole('dialog', { name: 'Create schedule' });
    await dialog.waitFor();
    expect(await activeId(page)).toBe('schedule-cron-input');
    // Every field has a label; a new schedule starts daily at 03:00 in the browser's own zone.
    const cron = dialog.getByLabel('Cron expression');
    const zone = dialog.getByLabel('Time zone');
    expect(await cron.inputValue()).toBe('0 3 * * *');
    expect(await zone.inputValue()).toBe(BROWSER_ZONE);
    expect(await dialog.getByLabel('Enabled').isChecked()).toBe(true);
    expect(await dialog.getByLabel('Nodes').locator('option').allTextContents()).toEqual([
      'All nodes',
      'node-1',
      'node-2',
    ]);
    expect(
      await inPage(
        page,
        "[...document.querySelectorAll('#schedule-dialog input, #schedule-dialog select')].filter((f) => f.labels.length === 0).length",
      ),
    ).toBe(0);
    expect(await dialog.locator('#schedule-cron-hint').textContent()).toContain('0 3 * * * runs at 03:00');
    const zones = (await inPage(
      page,
      "[...document.querySelectorAll('#schedule-timezones option')].map((o) => o.value)",
    )) as string[];
    expect(zones).toEqual(expect.arrayContaining(['UTC', 'Europe/Warsaw', BROWSER_ZONE]));

    await cron.fill('30 4 * * *');
    await zone.fill('UTC');
    await dialog.getByLabel(/Backups to keep/).fill('7');
    await dialog.getByLabel(/Expiry in days/).fill('14');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await waitForText(fact(page, 'status'), 'Enabled');
    expect(await fact(page, 'cron').textContent()).toBe('30 4 * * *');
    expect(await fact(page, 'timezone').textContent()).toBe('UTC');
    expect(await fact(page, 'node').textContent()).toBe('All nodes');
    expect(await fact(page, 'keep').textContent()).toBe('Newest 7 scheduled backups');
    expect(await fact(page, 'expiry').textContent()).toBe('After 14 days');
    expect(await fact(page, 'local-zone').textContent()).toBe(BROWSER_ZONE);
    // 04:30 UTC is 13:30 in Tokyo, on the dates the API computed.
    const runs = fact(page, 'runs').locator('li time');
    const fromApi = await api.request('GET', `/deployments/${seeded.deploymentId}/backup-schedule`, {
      key: seeded.key,
    });
    const nextRuns = (fromApi.json as { next_runs: string[] }).next_runs;
    expect(nextRuns).toHaveLength(3);
    expect(await runs.evaluateAll((times) => times.map((t) => t.getAttribute('datetime')))).toEqual(nextRuns);
    for (const text of await runs.allTextContents()) {
      expect(text).toMatch(/^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}, 13:30$/);
    }
    expect(await page.locator('#empty-state').isVisible()).toBe(true);
    if (process.env.CONSOLE_SCREENSHOT)
      await page.screenshot({ path: `${process.env.CONSOLE_SCREENSHOT}-schedule.png`, fullPage: true });
    // Create's button is gone with the empty state; focus lands on what replaced it.
    await expect.poll(() => activeId(page)).toBe('schedule-edit');

    expect(await scheduleRow(api.em(), seeded.deploymentId)).toEqual({
      cron: '30 4 * * *',
      timezone: 'UTC',
      node_id: null,
      keep_count: 7,
      expires_in_days: 14,
      enabled: true,
    });
  });

  it('edits with the API’s messages inline next to each field, keeping the saved schedule until one is valid', async () => {
    const seeded = await seedTenant(api.em());
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'Europe/Warsaw', keep_count: 5 });
    const saved = await scheduleRow(api.em(), seeded.deploymentId);
    const page = await openConsole(seeded);
    await waitForText(fact(page, 'cron'), '0 3 * * *');

    const dialog = await openEditor(page);
    const cron = dialog.getByLabel('Cron expression');
    const zone = dialog.getByLabel('Time zone');
    const keep = dialog.getByLabel(/Backups to keep/);
    expect(await cron.inputValue()).toBe('0 3 * * *');
    expect(await zone.inputValue()).toBe('Europe/Warsaw');
    expect(await keep.inputValue()).toBe('5');
    const save = dialog.getByRole('button', { name: 'Save schedule' });
    const cronError = page.locator('#schedule-cron-error');
    const keepError = page.locator('#schedule-keep-error');
    const zoneError = page.locator('#schedule-timezone-error');

    // Two bad fields in one answer: each message next to its own field, focus on the first.
    await cron.fill('0 3 * *');
    await keep.fill('0');
    await save.click();
    await waitForText(cronError, 'not a valid cron expression: must have five fields');
    expect(await keepError.textContent()).toMatch(/1/);
    expect(await cron.getAttribute('aria-invalid')).toBe('true');
    expect(await keep.getAttribute('aria-invalid')).toBe('true');
    expect(await zone.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#schedule-form-error').isVisible()).toBe(false);
    expect(await activeId(page)).toBe('schedule-cron-input');

    // Every 50 minutes on paper, but 01:55 CET to 03:05 CEST on Warsaw's spring-forward night.
    await cron.fill('5,55 1,3 * * *');
    await keep.fill('5');
    await save.click();
    await waitForText(
      cronError,
      'must not run more often than every 15 minutes in Europe/Warsaw, DST changes included',
    );
    if (process.env.CONSOLE_SCREENSHOT)
      await page.screenshot({ path: `${process.env.CONSOLE_SCREENSHOT}-schedule-dialog.png` });
    expect(await keepError.textContent()).toBe('');
    expect(await keep.getAttribute('aria-invalid')).toBeNull();

    await cron.fill('0 3 * * *');
    await zone.fill('Mars/Olympus');
    await save.click();
    await waitForText(zoneError, 'must be an IANA time zone');
    expect(await cronError.textContent()).toBe('');
    expect(await activeId(page)).toBe('schedule-timezone-input');
    expect(await dialog.isVisible()).toBe(true);
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toEqual(saved);
    expect(await fact(page, 'cron').textContent()).toBe('0 3 * * *');

    await cron.fill('15 2 * * 1');
    await zone.fill('UTC');
    await keep.fill('');
    await save.click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(fact(page, 'cron'), '15 2 * * 1');
    expect(await fact(page, 'keep').textContent()).toBe("Up to the plan's backup limit");
    // Mondays at 02:15 UTC are Mondays at 11:15 in Tokyo.
    for (const text of await fact(page, 'runs').locator('li').allTextContents()) {
      expect(text).toMatch(/^Mon, .* 11:15$/);
    }
    await expect.poll(() => activeId(page)).toBe('schedule-edit');
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toMatchObject({
      cron: '15 2 * * 1',
      timezone: 'UTC',
      keep_count: null,
      enabled: true,
    });
  });

  it('disables and enables the schedule, saying which in words as well as colour', async () => {
    const seeded = await seedTenant(api.em());
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC', expires_in_days: 30 });
    const page = await openConsole(seeded);
    await waitForText(fact(page, 'status'), 'Enabled');
    expect(await fact(page, 'runs').locator('li').count()).toBe(3);

    const toggle = page.locator('#schedule-toggle');
    expect(await toggle.textContent()).toBe('Disable schedule');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await waitForText(fact(page, 'status'), 'Disabled');
    expect(await fact(page, 'status').getAttribute('class')).toContain('badge-disabled');
    expect(await toggle.textContent()).toBe('Enable schedule');
    expect(await fact(page, 'runs').isVisible()).toBe(false);
    expect(await fact(page, 'no-runs').textContent()).toBe('None: the schedule is disabled.');
    // The button was updated in place, so the keyboard user is still on it.
    expect(await activeId(page)).toBe('schedule-toggle');
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toMatchObject({
      enabled: false,
      cron: '0 3 * * *',
      expires_in_days: 30,
    });

    await page.keyboard.press('Enter');
    await waitForText(fact(page, 'status'), 'Enabled');
    expect(await fact(page, 'status').getAttribute('class')).toContain('badge-enabled');
    expect(await fact(page, 'runs').locator('li').count()).toBe(3);
    expect(await fact(page, 'no-runs').isVisible()).toBe(false);
    expect((await scheduleRow(api.em(), seeded.deploymentId))?.enabled).toBe(true);
  });

  it('does not let a poll that read before a change put the old schedule back', async () => {
    const seeded = await seedTenant(api.em());
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC' });
    const page = await openConsole(seeded);
    await waitForText(fact(page, 'status'), 'Enabled');

    // The next poll reads the schedule now but lands only when the test lets it.
    const { promise: released, resolve: release } = deferred();
    const { promise: oldRead, resolve: readOld } = deferred();
    await page.route('**/backup-schedule', async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      readOld();
      await released;
      await route.fulfill({ response });
    });
    // Becoming visible is a poll.
    await inPage(page, "document.dispatchEvent(new Event('visibilitychange'))");
    await oldRead;

    // Every text the status badge shows from here on.
    await inPage(
      page,
      `window.shown = [];
       new MutationObserver(() => window.shown.push(document.getElementById('schedule-status').textContent))
         .observe(document.getElementById('schedule-status'), { childList: true })`,
    );
    await page.getByRole('button', { name: 'Disable schedule' }).click();
    await waitForText(fact(page, 'status'), 'Disabled');

    const reads: Array<Promise<unknown>> = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/backup-schedule') && res.request().method() === 'GET') reads.push(res.json());
    });
    release();
    // The old answer lands, and the section reads again rather than show it.
    await expect.poll(() => reads.length).toBe(2);
    expect(await Promise.all(reads)).toMatchObject([{ enabled: true }, { enabled: false }]);
    await expect.poll(() => inPage(page, 'window.shown')).toEqual(['Disabled', 'Disabled']);
  });

  it('deletes the schedule only after confirmation', async () => {
    const seeded = await seedTenant(api.em());
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC' });
    const page = await openConsole(seeded);
    const remove = page.getByRole('button', { name: 'Delete schedule' });
    await remove.waitFor();

    await remove.click();
    const dialog = page.getByRole('dialog', { name: 'Delete schedule' });
    await dialog.waitFor();
    // The safe choice has focus; Escape cancels and returns focus to the opener.
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Cancel');
    expect(await dialog.textContent()).toContain('Backups already made are kept.');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => activeId(page)).toBe('schedule-delete');
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toBeDefined();

    await remove.click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(page.locator('#schedule-empty'), 'No schedule.');
    expect(await fact(page, 'details').isVisible()).toBe(false);
    await expect.poll(() => activeId(page)).toBe('schedule-create');
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toBeUndefined();
  });

  it('shows its own loading state without holding up the backups list', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded, { signIn: false });
    // The schedule's read is held until the test lets it go.
    const { promise: released, resolve: release } = deferred();
    const { promise: held, resolve: arrived } = deferred();
    await page.route('**/backup-schedule', async (route) => {
      arrived();
      await released;
      await route.continue();
    });
    await page.getByLabel('API key', { exact: true }).fill(seeded.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await held;
    // The backups list is in while the schedule's read is still held.
    await page.locator('#empty-state').waitFor();
    await waitForText(page.locator('#schedule-loading'), 'Loading schedule…');
    expect(await page.locator('#schedule-empty').isVisible()).toBe(false);
    expect(await fact(page, 'details').isVisible()).toBe(false);

    release();
    await page.locator('#schedule-empty').waitFor();
    expect(await page.locator('#schedule-loading').isVisible()).toBe(false);
  });

  it('shows errors in the section: a deployment that is not found is not “no schedule”, and a read-only key’s 403', async () => {
    const seeded = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    const missing = await openConsole({ ...seeded, deploymentId: other.deploymentId });
    await waitForText(missing.locator('#schedule-error'), `Deployment ${other.deploymentId} was not found`);
    expect(await missing.locator('#schedule-empty').isVisible()).toBe(false);
    expect(await missing.locator('#schedule-loading').isVisible()).toBe(false);
    expect(await missing.getByRole('button', { name: 'Create schedule' }).isVisible()).toBe(false);

    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC' });
    const readOnly = await openConsole({ ...seeded, key: seeded.readKey });
    await waitForText(fact(readOnly, 'status'), 'Enabled');
    await readOnly.getByRole('button', { name: 'Disable schedule' }).click();
    await waitForText(readOnly.locator('#schedule-action-error'), 'lacks the deployment:manage permission');
    expect(await fact(readOnly, 'status').textContent()).toBe('Enabled');
    // The section's own failure, not the page's.
    expect(await readOnly.locator('#page-error').isVisible()).toBe(false);

    const dialog = await openEditor(readOnly);
    await dialog.getByLabel('Cron expression').fill('0 4 * * *');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await waitForText(dialog.locator('#schedule-form-error'), 'lacks the deployment:manage permission');
    expect(await dialog.isVisible()).toBe(true);
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toMatchObject({
      cron: '0 3 * * *',
      enabled: true,
    });

    // Changing the key hides the schedule with the backups behind the key prompt.
    await readOnly.keyboard.press('Escape');
    await readOnly.getByRole('button', { name: 'Change API key' }).click();
    await readOnly.getByLabel('API key', { exact: true }).waitFor();
    expect(await section(readOnly).isVisible()).toBe(false);
  });

  it('keeps the dialog’s focus inside it, with a visible focus ring, and returns it to the opener', async () => {
    const seeded = await seedTenant(api.em());
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC' });
    const page = await openConsole(seeded);
    const edit = page.getByRole('button', { name: 'Edit schedule' });
    await edit.waitFor();
    await edit.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Edit schedule' });
    await dialog.waitFor();
    expect(await activeId(page)).toBe('schedule-cron-input');

    // Round the dialog twice each way: focus wraps from the last control to the first
    // (and back), never leaving the dialog; every stop shows a focus ring.
    const controls = await dialog.locator('input, select, button').count();
    const stops = new Set<string>();
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < (controls + 1) * 2; i++) {
        await page.keyboard.press(key);
        const focus = (await inPage(
          page,
          `(() => {
             const f = document.activeElement;
             if (!f || f === document.body) return { where: 'nowhere' };
             const where = document.getElementById('schedule-dialog').contains(f) ? 'dialog' : 'page';
             return { where, name: f.id || f.textContent, outline: getComputedStyle(f).outlineStyle };
           })()`,
        )) as { where: string; name?: string; outline?: string };
        expect(focus).toMatchObject({ where: 'dialog', outline: 'solid' });
        stops.add(String(focus.name));
      }
    }
    // Every control was reached.
    expect(stops.size).toBe(controls);

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => activeId(page)).toBe('schedule-edit');
    expect((await scheduleRow(api.em(), seeded.deploymentId))?.cron).toBe('0 3 * * *');
  });

  it('shows a schedule’s node by name and keeps it, an int64 id beyond 2^53, when editing', async () => {
    const seeded = await seedTenant(api.em());
    const nodeId = 611298765432109777n;
    await api
      .em()
      .execute(
        "insert into nodes (id, deployment_id, name, instance_id, availability_zone) values (?, ?, 'big', 'i-big0000000000001', 'us-west-1a')",
        [nodeId, seeded.deploymentId],
      );
    await putSchedule(seeded, { cron: '0 3 * * *', timezone: 'UTC', node_id: nodeId });
    const page = await openConsole(seeded);
    await waitForText(fact(page, 'node'), 'big');

    const dialog = await openEditor(page);
    const nodes = dialog.getByLabel('Nodes');
    expect(await nodes.inputValue()).toBe(String(nodeId));
    expect(await nodes.locator('option').allTextContents()).toEqual(['All nodes', 'node-1', 'node-2', 'big']);
    await dialog.getByLabel(/Backups to keep/).fill('3');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(fact(page, 'keep'), 'Newest 3 scheduled backups');
    expect(await scheduleRow(api.em(), seeded.deploymentId)).toMatchObject({
      node_id: String(nodeId),
      keep_count: 3,
    });
  });
});
