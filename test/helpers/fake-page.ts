// Opens the built renderer in Chromium with the FAKE window.api (test/helpers/fake-api.js) injected.
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** Canned data for the fake API (see fake-api.js). */
export interface FakeConfig {
  vms?: unknown[];
  tasks?: Record<string, unknown>;
  events?: Record<string, unknown[]>;
  stats?: Record<string, unknown[]>;
  settings?: unknown;
  doctor?: unknown;
  images?: Record<string, unknown>;
  pickImage?: string | null;
  logLines?: number;
  failStart?: { code: string; message: string };
  consoleGreeting?: string;
  /** Bytes main reports as skipped before the greeting (consoleData.dropped). */
  consoleDropped?: number;
  demoStepMs?: number;
}

/** A new page showing the app over the fake API; page errors fail the test via `errors`. */
export async function openWithFakeApi(browser: Browser, url: string, config: FakeConfig, opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // Chromium notes that a <meta> CSP cannot carry frame-ancestors; the main process also sends the
    // policy as a header, where it applies. Not an error of the page.
    if (m.type() === 'error' && !m.text().includes("'frame-ancestors' is ignored")) errors.push(m.text());
  });
  await page.addInitScript({ content: `window.__FAKE_API_CONFIG__ = ${JSON.stringify(config)};` });
  await page.addInitScript({ path: resolve('test/helpers/fake-api.js') });
  await page.goto(url);
  return { page, errors };
}

/** One recorded call. */
export interface FakeCall {
  name: string;
  request: Record<string, unknown>;
}

/** The calls the UI made to the fake API, optionally only those of one channel. */
export async function fakeCalls(page: Page, name?: string): Promise<FakeCall[]> {
  const calls = await page.evaluate(() => (window as unknown as { __fake: { calls: FakeCall[] } }).__fake.calls);
  return name ? calls.filter((c) => c.name === name) : calls;
}
