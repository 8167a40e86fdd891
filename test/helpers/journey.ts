// Journey steps for the e2e tests: a named step that, when it fails, keeps a screenshot of that moment in
// test-results/journeys/ and names it in the error, so a failed journey shows what the user saw.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppHarness } from './app-harness';

const root = resolve(import.meta.dirname, '..', '..');

/** Where failed steps' screenshots go. */
export const JOURNEY_SHOTS = join(root, 'test-results', 'journeys');

/** Runs one step of a journey; on failure saves a screenshot (test-results/journeys/<step>.png) and rethrows. */
export async function step<T>(h: AppHarness, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    mkdirSync(JOURNEY_SHOTS, { recursive: true });
    const path = join(JOURNEY_SHOTS, `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.png`);
    const saved = await h.page.screenshot({ path }).then(
      () => true,
      () => false,
    );
    const where = saved ? `screenshot of that moment: ${path}` : 'no screenshot (the page was gone)';
    if (err instanceof Error) {
      err.message = `journey step "${name}" failed (${where}): ${err.message}`;
      throw err;
    }
    throw new Error(`journey step "${name}" failed (${where}): ${String(err)}`);
  }
}
