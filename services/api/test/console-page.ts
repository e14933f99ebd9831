import { type Chromium, launchChromium, recordPageErrors } from '@backups/testing/chromium';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Seeded, TestApi } from './harness.js';

// The Console in a real headless Chromium (Debian's, never one a tool
// downloads) against the real app, Postgres and Redis: one browser per test
// file, a fresh tab per page, and no page errors or CSP violations allowed.

export interface ConsolePages {
  /** A new tab (fresh sessionStorage) on the deployment's Console, signed in unless told not to. */
  open(
    seeded: Pick<Seeded, 'deploymentId' | 'key'>,
    opts?: {
      signIn?: boolean /** Console errors this test provokes, besides the 4xx answers. */;
      alsoAllowed?: RegExp;
    },
  ): Promise<Page>;
}

/** `options` are the browser context's (locale, timezoneId...), fixed so tests can assert local text. */
export function useConsolePages(
  api: Pick<TestApi, 'url'>,
  options: Parameters<typeof launchChromium>[0],
): ConsolePages {
  let browser: Chromium | undefined;
  const pages: Page[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(options);
  });
  afterEach(async () => {
    while (pages.length > 0) await pages.pop()?.close();
    // CSP violations and uncaught errors show up here; the page must have none.
    // The 4xx answers tests provoke are logged by Chromium as console errors too.
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    async open(seeded, opts = {}) {
      if (!browser) throw new Error('open() works only inside tests');
      const page = await browser.context.newPage();
      pages.push(page);
      const allowed = opts.alsoAllowed
        ? new RegExp(`status of 40\\d|${opts.alsoAllowed.source}`)
        : /status of 40\d/;
      recordPageErrors(page, pageErrors, allowed);
      await page.goto(`${api.url}/console/deployments/${seeded.deploymentId}`);
      if (opts.signIn ?? true) {
        await page.getByLabel('API key', { exact: true }).fill(seeded.key);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.locator('#loading-state').waitFor({ state: 'hidden' });
      }
      return page;
    },
  };
}

/** Evaluates an expression in the page (a string: this project's TS has no DOM types). */
export const inPage = (page: Page, expression: string): Promise<unknown> => page.evaluate(expression);

export async function waitForText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

/** A promise and the function that settles it: a test holds a request with one and lets it go with the other. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
