// The Logs tab on a 1,000,000-line QEMU stderr log, through the real main process (its readLog reads the file
// with the engine's log reader): the last line is on screen first, the tab says older lines are not loaded
// yet, and scrolling to the top loads them back to line 1. The log is written by the test into the VM's
// directory as QEMU writes it (its fd 2 is that file); no QEMU runs here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';

const LINES = 1_000_000;
const lineText = (n: number) => `qemu: line ${String(n).padStart(7, '0')}`; // 19 bytes + "\n"

let h: AppHarness;

beforeAll(async () => {
  h = await launchApp({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await h?.close();
});

describe('Logs tab on a 1,000,000-line log', () => {
  it('shows the last line first, then scrolling up reaches line 1', async () => {
    const page = h.page;
    const saved = await h.invoke('saveTask', { task: { name: 'biglog', config: { image_path: '/nonexistent/biglog.img', accelerator: 'tcg' }, resources: { memory: 128 } } });
    expect(saved).toMatchObject({ ok: true });
    const dir = join(h.home, 'vms', 'biglog');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'qemu.stderr.log'), Array.from({ length: LINES }, (_, i) => lineText(i + 1) + '\n').join(''));

    await page.locator('[data-testid=vm-item][data-name="biglog"]').click();
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.locator('.log-row', { hasText: lineText(LINES) }).first().waitFor({ timeout: 60_000 });
    await page.getByTestId('log-older').waitFor();
    const count = page.getByTestId('log-count');
    const loaded = () => count.textContent().then((t) => Number((t ?? '').replace(/[^0-9]/g, '')));
    expect(await loaded()).toBeLessThan(LINES);
    await h.screenshot('vm-logs-big-tail');
    await expect
      .poll(
        async () => {
          await page.getByTestId('log-viewport').evaluate((el) => {
            el.scrollTop = 0;
            el.dispatchEvent(new Event('scroll'));
          });
          // Each page put in front keeps the view on the same lines; only with all loaded does 0 stay the top.
          return page.getByTestId('log-older').count().then(async (older) => (older === 0 ? page.locator('.log-row').first().textContent() : 'older lines not loaded yet'));
        },
        { timeout: 120_000, interval: 250 },
      )
      .toContain(lineText(1));
    expect(await loaded()).toBe(LINES);
    expect(await page.getByTestId('log-older').count()).toBe(0);
    expect(await page.locator('.log-row').nth(1).textContent()).toContain(lineText(2));
    await h.screenshot('vm-logs-big-top');
  }, 240_000);
});
