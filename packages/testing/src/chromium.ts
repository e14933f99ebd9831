import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

// A real headless Chromium (Debian's, never one a tool downloads) for tests of
// pages the API serves.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile per call; `options` are Playwright's context options (locale, httpCredentials...). */
export async function launchChromium(
  options: Parameters<typeof chromium.launchPersistentContext>[1] = {},
): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" or point CHROMIUM_PATH at one.`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'test-chromium-'));
  // A persistent context is how Playwright takes a --user-data-dir.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: FLAGS,
    headless: true,
    viewport: { width: 1200, height: 800 },
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what must not happen on a page: uncaught errors and console errors,
 * which is where CSP violations show up. `allowed` matches console errors a
 * test expects (e.g. a 401 the page handles).
 */
export function recordPageErrors(page: Page, into: string[], allowed?: RegExp): void {
  page.on('pageerror', (err) => into.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allowed?.test(msg.text())) into.push(`console: ${msg.text()}`);
  });
}
