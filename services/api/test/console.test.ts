import type { EntityManager } from '@mikro-orm/postgresql';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deferred, inPage, useConsolePages, waitForText } from './console-page.js';
import { seedBackup, seedRestore, seedTenant, useApi } from './harness.js';

// The Console's Backups tab in a real headless Chromium against the real app,
// Postgres and Redis.

const WARNING =
  'Restoring a backup replaces the current storage volumes. Any data written after the backup was created will be lost. Consider creating a new backup before restoring.';

const api = useApi();
const { open: openConsole } = useConsolePages(api, { locale: 'en-GB', timezoneId: 'Europe/Warsaw' });

/** Headless tabs are always visible; this makes the page see itself hidden or shown. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await inPage(
    page,
    `Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true });
     document.dispatchEvent(new Event('visibilitychange'))`,
  );
}

const row = (page: Page, id: bigint): Locator => page.locator(`tr[data-backup-id="${id}"]`);

async function backupRow(em: EntityManager, id: bigint) {
  const [found] = await em.execute<Array<{ status: string; name: string; expires_at: string | Date | null }>>(
    'select status, name, expires_at from backups where id = ?',
    [id],
  );
  return found;
}

describe('Console Backups tab', () => {
  it('asks for the key, then lists backups with status, size and local creation time', async () => {
    const seeded = await seedTenant(api.em());
    const completed = await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    const pending = await seedBackup(api.em(), seeded.deploymentId, { status: 'pending' });
    const running = await seedBackup(api.em(), seeded.deploymentId, { status: 'in_progress' });
    const failed = await seedBackup(api.em(), seeded.deploymentId, {
      status: 'failed',
      failureReason: 'boom',
    });
    // Data is text, never markup.
    await api
      .em()
      .execute("update backups set name = '<img src=x onerror=alert(1)>' where id = ?", [completed]);

    const page = await openConsole(seeded, { signIn: false });
    await page.getByLabel('API key', { exact: true }).fill('ld_wrong_key');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.locator('#key-error').textContent()).toMatch(/key/i);
    expect(await page.getByLabel('API key', { exact: true }).isVisible()).toBe(true);

    await page.getByLabel('API key', { exact: true }).fill(seeded.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForText(row(page, running), 'In Progress');
    expect(await page.locator('tbody tr').count()).toBe(4);
    expect(await row(page, pending).locator('.badge').textContent()).toBe('Pending');
    expect(await row(page, failed).locator('.badge').textContent()).toBe('Failed');
    expect(await row(page, failed).locator('.status-detail').textContent()).toBe('Reason: boom');
    const done = row(page, completed);
    expect(await done.locator('.badge').textContent()).toBe('Completed');
    expect(await done.locator('td.name strong').textContent()).toBe('<img src=x onerror=alert(1)>');
    expect(await page.locator('tbody img').count()).toBe(0);
    expect(await done.locator('td.size').textContent()).toBe('50 GiB');
    expect(await done.locator('td.expires').textContent()).toBe('Never');
    expect(await page.locator('#restore-panel').isVisible()).toBe(false);
    expect(await page.locator('#page-error').isVisible()).toBe(false);
    const createdIso = await done.locator('td.created').getAttribute('title');
    const localCreated = await page.evaluate(
      (iso) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
      createdIso ?? '',
    );
    expect(await done.locator('td.created').textContent()).toBe(localCreated);
    expect(localCreated).toMatch(/\d{4}/);

    // The key is in this tab's sessionStorage only.
    expect(page.url()).not.toContain(seeded.key);
    expect(await inPage(page, "sessionStorage.getItem('ld-console-api-key')")).toBe(seeded.key);
    expect(await inPage(page, 'localStorage.length')).toBe(0);
  });

  it('shows the empty state, then creates a backup from the dialog with API errors inline', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded);
    expect(await page.locator('#empty-state').isVisible()).toBe(true);

    // Signing in leaves focus on Create Backup; the keyboard opens it.
    expect(await inPage(page, 'document.activeElement?.id')).toBe('create-button');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Create Backup' });
    await dialog.waitFor();
    expect(await inPage(page, 'document.activeElement?.id')).toBe('backup-name');
    await dialog.getByLabel('Name', { exact: true }).fill('before-migration');
    await dialog.getByLabel(/Expiry in days/).fill('5000');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await waitForText(page.locator('#expiry-error'), '3650');
    expect(await dialog.getByLabel(/Expiry in days/).getAttribute('aria-invalid')).toBe('true');

    await dialog.getByLabel(/Expiry in days/).fill('30');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(page.locator('tbody tr'), 'before-migration');
    const newRow = page.locator('tbody tr', { hasText: 'before-migration' });
    expect(await newRow.locator('.badge').textContent()).toBe('Pending');
    expect(await newRow.getByRole('button', { name: /Delete/ }).isDisabled()).toBe(true);
    expect(await newRow.getByRole('button', { name: /Restore/ }).isDisabled()).toBe(true);
    // Focus goes back to the button that opened the dialog.
    expect(await inPage(page, 'document.activeElement?.id')).toBe('create-button');

    const id = BigInt((await newRow.getAttribute('data-backup-id')) ?? '0');
    const stored = await backupRow(api.em(), id);
    expect(stored?.status).toBe('pending');
    const days = (new Date(String(stored?.expires_at)).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    const [op] = await api
      .em()
      .execute<Array<{ kind: string }>>('select kind from operations where backup_id = ?', [id]);
    expect(op?.kind).toBe('backup');
  });

  it('deletes a completed backup after confirming; pending and in-progress ones cannot be deleted', async () => {
    const seeded = await seedTenant(api.em());
    const completed = await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    const pending = await seedBackup(api.em(), seeded.deploymentId, { status: 'pending' });
    const running = await seedBackup(api.em(), seeded.deploymentId, { status: 'in_progress' });
    const page = await openConsole(seeded);
    await row(page, running).waitFor();
    expect(
      await row(page, pending)
        .getByRole('button', { name: /Delete/ })
        .isDisabled(),
    ).toBe(true);
    expect(
      await row(page, running)
        .getByRole('button', { name: /Delete/ })
        .isDisabled(),
    ).toBe(true);

    // Cancelling changes nothing, and Escape works too.
    await row(page, completed)
      .getByRole('button', { name: /Delete/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Delete backup' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await backupRow(api.em(), completed))?.status).toBe('completed');

    await row(page, completed)
      .getByRole('button', { name: /Delete/ })
      .click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(row(page, completed).locator('.badge'), 'Deleting');
    expect(
      await row(page, completed)
        .getByRole('button', { name: /Delete/ })
        .isDisabled(),
    ).toBe(true);
    expect((await backupRow(api.em(), completed))?.status).toBe('deleting');
  });

  it('restores after a confirmation that warns about data written after the backup, and shows the restore', async () => {
    const seeded = await seedTenant(api.em());
    const completed = await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    const failed = await seedBackup(api.em(), seeded.deploymentId, { status: 'failed' });
    const page = await openConsole(seeded);
    await row(page, failed).waitFor();
    expect(
      await row(page, failed)
        .getByRole('button', { name: /Restore/ })
        .isDisabled(),
    ).toBe(true);

    const restoreButton = row(page, completed).getByRole('button', { name: /Restore/ });
    await restoreButton.click();
    const dialog = page.getByRole('dialog', { name: 'Restore backup' });
    await dialog.waitFor();
    if (process.env.CONSOLE_SCREENSHOT)
      await page.screenshot({ path: `${process.env.CONSOLE_SCREENSHOT}-restore.png` });
    const warning = (await dialog.locator('#restore-warning').textContent())?.replace(/\s+/g, ' ').trim();
    expect(warning).toBe(WARNING);
    expect(await dialog.locator('#restore-dialog-text').textContent()).toMatch(
      /from backup “seeded”, created .*2\d{3}/,
    );
    // Ids are unique, so every label and description points at one element.
    const duplicateIds = await inPage(
      page,
      "[...document.querySelectorAll('[id]')].map((e) => e.id).filter((id, i, all) => all.indexOf(id) !== i)",
    );
    expect(duplicateIds).toEqual([]);
    // The safe choice has focus; Cancel returns focus to the row's button.
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await inPage(page, "document.activeElement?.getAttribute('aria-label')")).toBe('Restore seeded');
    expect(await api.em().execute('select id from restores where backup_id = ?', [completed])).toHaveLength(
      0,
    );

    await restoreButton.click();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(page.locator('#restore-panel'), 'queued');
    expect(await page.locator('#restore-badge').textContent()).toBe('Pending');
    expect(await restoreButton.isDisabled()).toBe(true);
    const restores = await api.request('GET', `/deployments/${seeded.deploymentId}/restores`, {
      key: seeded.key,
    });
    expect(restores.json, restores.text).toMatchObject([{ backup_id: Number(completed), status: 'pending' }]);

    // Progress follows the database without a reload.
    await api
      .em()
      .execute(
        "update restores set status = 'in_progress', step = 'detach', started_at = now() where backup_id = ?",
        [completed],
      );
    await waitForText(page.locator('#restore-panel'), 'Detaching the current volumes (step 4 of 7)');
    expect(await page.locator('#restore-badge').textContent()).toBe('In Progress');
  });

  it('updates statuses live while work runs, and stops polling while the tab is hidden', async () => {
    const seeded = await seedTenant(api.em());
    const pending = await seedBackup(api.em(), seeded.deploymentId, { status: 'pending' });
    const page = await openConsole(seeded);
    await waitForText(row(page, pending).locator('.badge'), 'Pending');
    await inPage(page, 'window.marker = true');

    // Hidden tab: no polling, even with work running.
    let apiCalls = 0;
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/deployments/')) apiCalls += 1;
    });
    await setHidden(page, true);
    await api
      .em()
      .execute("update backups set status = 'in_progress', started_at = now() where id = ?", [pending]);
    await page.waitForTimeout(3_500);
    expect(apiCalls).toBe(0);
    expect(await row(page, pending).locator('.badge').textContent()).toBe('Pending');
    // Visible again: refreshed at once. Polling stopped while hidden, so the request
    // awaited here can only come from the page becoming visible.
    const refreshed = page.waitForRequest((req) => new URL(req.url()).pathname.startsWith('/deployments/'));
    await setHidden(page, false);
    await refreshed;
    await waitForText(row(page, pending).locator('.badge'), 'In Progress');

    await api
      .em()
      .execute(
        "update backups set status = 'completed', completed_at = now(), size_bytes = 161061273600 where id = ?",
        [pending],
      );
    await waitForText(row(page, pending).locator('.badge'), 'Completed');
    expect(await row(page, pending).locator('td.size').textContent()).toBe('150 GiB');
    expect(
      await row(page, pending)
        .getByRole('button', { name: /Delete/ })
        .isDisabled(),
    ).toBe(false);
    // Same document all along.
    expect(await inPage(page, 'window.marker')).toBe(true);
  });

  it('shows API errors with their message, and a revoked key goes back to the prompt', async () => {
    const seeded = await seedTenant(api.em());
    const other = await seedTenant(api.em());
    // Another tenant's deployment is simply not found.
    const page = await openConsole({ ...seeded, deploymentId: other.deploymentId });
    await waitForText(page.locator('#page-error'), 'not found');
    expect(await page.locator('tbody tr').count()).toBe(0);

    const own = await openConsole(seeded);
    await own.locator('#empty-state').waitFor();
    await api.em().execute('update api_keys set revoked_at = now() where tenant_id = ?', [seeded.tenantId]);
    await own.getByRole('button', { name: 'Create Backup' }).click();
    await own.getByLabel('Name', { exact: true }).fill('after-revoke');
    await own.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await own.getByRole('dialog').waitFor({ state: 'hidden' });
    await own.getByLabel('API key', { exact: true }).waitFor();
    expect(await inPage(own, 'document.activeElement?.id')).toBe('key-input');
    expect(await own.locator('#key-error').textContent()).toMatch(/key/i);
    expect(await inPage(own, "sessionStorage.getItem('ld-console-api-key')")).toBeNull();
  });

  it('works end to end for int64 ids beyond 2^53', async () => {
    const deploymentId = 611298765432109056n;
    const bigBackupId = 611298765432109999n;
    const seeded = await seedTenant(api.em(), { deploymentId });
    const seededBackup = await seedBackup(api.em(), deploymentId, { status: 'completed' });
    await api.em().execute('update backups set id = ? where id = ?', [bigBackupId, seededBackup]);

    const page = await openConsole(seeded);
    expect(await page.locator('#deployment-id').textContent()).toBe('611298765432109056');
    await row(page, bigBackupId).waitFor();

    await page.getByRole('button', { name: 'Create Backup' }).click();
    await page.getByLabel('Name', { exact: true }).fill('big-id');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await waitForText(page.locator('tbody tr'), 'big-id');
    const [created] = await api
      .em()
      .execute<Array<{ deployment_id: string }>>("select deployment_id from backups where name = 'big-id'");
    expect(String(created?.deployment_id)).toBe('611298765432109056');

    await row(page, bigBackupId)
      .getByRole('button', { name: /Delete/ })
      .click();
    await page.getByRole('dialog', { name: 'Delete backup' }).getByRole('button', { name: 'Delete' }).click();
    await waitForText(row(page, bigBackupId).locator('.badge'), 'Deleting');
    expect((await backupRow(api.em(), bigBackupId))?.status).toBe('deleting');
    if (process.env.CONSOLE_SCREENSHOT)
      await page.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });
  });

  it("shows a running backup's progress and elapsed time as they move, and a failed backup's reason", async () => {
    const seeded = await seedTenant(api.em());
    const running = await seedBackup(api.em(), seeded.deploymentId, { status: 'in_progress' });
    await api
      .em()
      .execute("update backups set progress = 10, started_at = now() - interval '90 seconds' where id = ?", [
        running,
      ]);
    const failed = await seedBackup(api.em(), seeded.deploymentId, {
      status: 'failed',
      failureReason: 'SnapshotLimitExceeded: too many pending snapshots',
      remarks: 'nightly',
    });
    const page = await openConsole(seeded);
    const bar = row(page, running).locator('progress');
    await expect.poll(() => bar.getAttribute('value')).toBe('10');
    expect(await bar.getAttribute('aria-label')).toBe('Progress of seeded');
    expect(await row(page, running).locator('.progress span').textContent()).toBe('10%');
    const detail = row(page, running).locator('.status-detail');
    expect(await detail.textContent()).toMatch(/^1 min \d\d s elapsed$/);
    // The elapsed time ticks in the page, between polls too.
    const first = await detail.textContent();
    await expect.poll(() => detail.textContent(), { timeout: 10_000 }).not.toBe(first);

    await api.em().execute('update backups set progress = 55 where id = ?', [running]);
    await expect.poll(() => bar.getAttribute('value'), { timeout: 10_000 }).toBe('55');
    expect(await page.locator('#refresh-status').textContent()).toContain('every 2 s while work is running');

    const failedRow = row(page, failed);
    expect(await failedRow.locator('.badge').textContent()).toBe('Failed');
    expect(await failedRow.locator('.status-detail').textContent()).toBe(
      'Reason: SnapshotLimitExceeded: too many pending snapshots',
    );
    expect(await failedRow.locator('.remarks').textContent()).toBe('nightly');
    expect(await failedRow.locator('progress').isVisible()).toBe(false);

    await api
      .em()
      .execute(
        "update backups set status = 'completed', completed_at = now(), progress = 100, size_bytes = 1073741824 where id = ?",
        [running],
      );
    await waitForText(row(page, running).locator('.badge'), 'Completed');
    expect(await bar.isVisible()).toBe(false);
    await waitForText(page.locator('#refresh-status'), 'every 30 s while nothing is running');
  });

  it('creates a backup of one node, chosen by name, with remarks', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded);
    await page.locator('#empty-state').waitFor();
    await page.getByRole('button', { name: 'Create Backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Backup' });
    await dialog.getByLabel('Name', { exact: true }).fill('node two only');
    const nodes = dialog.getByLabel('Nodes');
    await expect
      .poll(() => nodes.locator('option').allTextContents())
      .toEqual(['All nodes', 'node-1 (us-west-1a)', 'node-2 (us-west-1b)']);
    await nodes.selectOption({ label: 'node-2 (us-west-1b)' });
    await dialog.getByLabel('Remarks').fill('before the schema migration');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const [created] = await api
      .em()
      .execute<Array<{ id: string; node_id: string; remarks: string }>>(
        'select id, node_id, remarks from backups where deployment_id = ?',
        [seeded.deploymentId],
      );
    expect(BigInt(created?.node_id ?? 0)).toBe(seeded.nodeIds[1]);
    expect(created?.remarks).toBe('before the schema migration');
    const shown = row(page, BigInt(created?.id ?? 0));
    await waitForText(shown.locator('.scope'), 'node-2');
    expect(await shown.locator('.remarks').textContent()).toBe('before the schema migration');
  });

  it('lists restores with their step and outcome, and filters backups by type', async () => {
    const seeded = await seedTenant(api.em());
    const manual = await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    const scheduled = await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    await api
      .em()
      .execute("update backups set backup_type = 'scheduled', name = 'nightly' where id = ?", [scheduled]);
    const rolledBack = await seedRestore(api.em(), seeded.deploymentId, manual, 'rolled_back');
    await api
      .em()
      .execute(
        "update restores set error = 'attach timed out', started_at = now() - interval '5 minutes', completed_at = now() where id = ?",
        [rolledBack],
      );
    const done = await seedRestore(api.em(), seeded.deploymentId, scheduled, 'completed');
    await api
      .em()
      .execute(
        "update restores set new_volume_ids = '{vol-a,vol-b}', started_at = now() - interval '40 seconds', completed_at = now() where id = ?",
        [done],
      );
    const page = await openConsole(seeded);
    const restoreRow = (id: bigint) => page.locator(`#restores-body tr[data-restore-id="${id}"]`);
    await restoreRow(done).waitFor();
    expect(await page.locator('#restores-body tr').count()).toBe(2);
    expect(await restoreRow(done).locator('td.backup').textContent()).toBe('nightly');
    expect(await restoreRow(done).locator('td.outcome').textContent()).toBe('Restored: 2 volumes replaced.');
    expect(await restoreRow(done).locator('td.duration').textContent()).toMatch(/^4\d s$/);
    expect(await restoreRow(rolledBack).locator('.badge').textContent()).toBe('Rolled Back');
    expect(await restoreRow(rolledBack).locator('td.outcome').textContent()).toBe(
      'Rolled back: the original volumes are back in place. Reason: attach timed out',
    );

    const filter = page.getByLabel('Type', { exact: true });
    await filter.selectOption({ label: 'Scheduled' });
    await expect.poll(() => page.locator('#backups-body tr').count()).toBe(1);
    expect(await row(page, scheduled).isVisible()).toBe(true);
    await filter.selectOption({ label: 'Pre-upgrade' });
    await page.locator('#filtered-empty-state').waitFor();
    expect(await page.locator('#filtered-empty-state').textContent()).toContain('No pre-upgrade backups');
    await filter.selectOption({ label: 'All types' });
    await expect.poll(() => page.locator('#backups-body tr').count()).toBe(2);
  });

  it('shows loading, empty and error states per section', async () => {
    const seeded = await seedTenant(api.em());
    await seedBackup(api.em(), seeded.deploymentId, { status: 'completed' });
    // Chromium logs the refused request as a console error: expected here.
    const page = await openConsole(seeded, { signIn: false, alsoAllowed: /net::ERR_CONNECTION_REFUSED/ });
    // The network fails for the restores list only: the backups still show, the
    // Restores section says what went wrong, and the next refresh recovers it.
    let failRestores = true;
    await page.route('**/restores', (route) =>
      failRestores ? route.abort('connectionrefused') : route.continue(),
    );
    expect(await page.locator('#loading-state').textContent()).toBe('Loading backups…');
    await page.getByLabel('API key', { exact: true }).fill(seeded.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForText(page.locator('#restores-error'), 'Cannot reach the API');
    expect(await page.locator('#backups-body tr').count()).toBe(1);
    expect(await page.locator('#restores-loading').isHidden()).toBe(true);
    expect(await page.locator('#restores-empty').isHidden()).toBe(true);
    failRestores = false;
    await inPage(page, "document.dispatchEvent(new Event('visibilitychange'))");
    await page.locator('#restores-empty').waitFor();
    expect(await page.locator('#restores-error').isHidden()).toBe(true);
  });

  it('keeps keyboard focus inside a dialog, shows where it is, and labels every control', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded);
    await page.locator('#empty-state').waitFor();
    const unlabelled = await inPage(
      page,
      "[...document.querySelectorAll('input, select, textarea')].filter((c) => c.labels.length === 0).map((c) => c.id)",
    );
    expect(unlabelled).toEqual([]);

    await page.getByRole('button', { name: 'Create Backup' }).click();
    const inside = "document.getElementById('create-dialog').contains(document.activeElement)";
    const ring = 'getComputedStyle(document.activeElement).outlineStyle';
    const visited = new Set<unknown>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await inPage(page, inside)).toBe(true);
      expect(await inPage(page, ring)).not.toBe('none');
      visited.add(await inPage(page, 'document.activeElement.id || document.activeElement.textContent'));
    }
    // Round and round: name, expiry, nodes, remarks, Cancel, Create.
    expect(visited.size).toBe(6);
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await inPage(page, 'document.activeElement.textContent')).toBe('Create');
    await page.keyboard.press('Escape');
    expect(await inPage(page, 'document.activeElement.id')).toBe('create-button');
  });

  it('keeps a dialog open on Escape while its request is out, so the answer shows where it belongs', async () => {
    const seeded = await seedTenant(api.em());
    const page = await openConsole(seeded);
    await page.locator('#empty-state').waitFor();
    // The create is held at the network until the test lets it through.
    const { promise: released, resolve: release } = deferred();
    const { promise: held, resolve: sent } = deferred();
    await page.route('**/backups', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      sent();
      await released;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Create Backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Backup' });
    await dialog.getByLabel('Name', { exact: true }).fill('x'.repeat(200));
    await dialog.getByRole('button', { name: 'Create' }).click();
    await held;
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(true);
    release();
    await waitForText(page.locator('#name-error'), '128');
    expect(await dialog.isVisible()).toBe(true);
    // Answered: Escape works again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('forgets what one key saw when the key changes: another tenant sees none of it', async () => {
    const owner = await seedTenant(api.em());
    await seedBackup(api.em(), owner.deploymentId, { status: 'completed' });
    const stranger = await seedTenant(api.em());
    const page = await openConsole(owner);
    await expect.poll(() => page.locator('#backups-body tr').count()).toBe(1);
    await page.getByRole('button', { name: 'Change API key' }).click();
    expect(await page.locator('#backups-body tr').count()).toBe(0);
    await page.getByLabel('API key', { exact: true }).fill(stranger.key);
    await page.getByRole('button', { name: 'Continue' }).click();
    await waitForText(page.locator('#page-error'), 'not found');
    expect(await page.locator('#backups-body tr').count()).toBe(0);
    expect(await page.locator('#restores-body tr').count()).toBe(0);
    expect(await page.locator('#backups-table').isVisible()).toBe(false);
    expect(await page.locator('#schedule-details').isVisible()).toBe(false);
  });
});
