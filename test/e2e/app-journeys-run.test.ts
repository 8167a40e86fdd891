// Journeys around running VMs, end to end (built renderer in Chromium, real preload and main process with
// only Electron FAKED, real supervisor and QEMU): two VMs on one image (the second's failure explained in
// Overview, Events and `vmdesk inspect`); Duplicate → both start (the copy on its own image); Force stop asks first;
// keyboard only: create and start a VM, then leave the console by keyboard. Each step is a journey step
// (test/helpers/journey.ts): when it fails, its screenshot is kept in test-results/journeys/.
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { json, vmdesk } from '../helpers/cli';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { step } from '../helpers/journey';
import type { VmInfo } from '../../src/shared/vm';

let h: AppHarness;
let images: string;
let image: string;

beforeAll(async () => {
  guestMarkers(); // fails with the build command when the guest is missing
  images = mkdtempSync(join(tmpdir(), 'vd-journey-run-'));
  image = join(images, 'shared.img');
  copyFileSync(guestDisk, image);
  h = await launchApp({ viewport: { width: 1280, height: 800 }, settings: { driver: { image_paths: [images] } } });
});
afterAll(async () => {
  await h?.close();
  rmSync(images, { recursive: true, force: true });
});

const byId = (id: string) => h.page.getByTestId(id).first();
const textOf = async (id: string) => (await byId(id).textContent()) ?? '';
const badge = () => h.page.locator('.vm-head [data-testid=state-badge]').textContent();
const heading = () => h.page.locator('.vm-head h1').textContent();
const vmItem = (name: string) => h.page.locator(`[data-testid=vm-item][data-name="${name}"]`);
const cliEnv = () => ({ ...process.env, VMDESK_HOME: h.home, VMDESK_RUNTIME_DIR: h.runtimeDir });

async function dismissNotices(): Promise<void> {
  for (const b of await h.page.getByRole('button', { name: 'Dismiss' }).all()) await b.click().catch(() => undefined);
}

/** Creates VM `name` on `path` through the form (Save, not start). */
async function createThroughForm(name: string, path: string): Promise<void> {
  await dismissNotices();
  await h.page.getByRole('button', { name: '+ New VM' }).click();
  await byId('task-form').waitFor();
  await byId('input-name').fill(name);
  await byId('input-imagePath').fill(path);
  await byId('input-memory').fill('128');
  await h.page.waitForTimeout(50);
  await byId('save').click();
  await byId('vm-view').waitFor();
  await h.page.waitForFunction((n) => document.querySelector('.vm-head h1')?.textContent === n, name);
}

/** Force stops the shown VM through its confirmation. */
async function forceStop(): Promise<void> {
  await byId('action-force-stop').click();
  await byId('force-stop-dialog').waitFor();
  await byId('force-stop-dialog').locator('button[type=submit]').click();
  await expect.poll(badge, { timeout: 60_000 }).toBe('stopped');
}

describe('journey: two VMs on one image', () => {
  it("the second VM's start fails, and Overview, Events and `vmdesk inspect` say why in words", async () => {
    const page = h.page;
    await step(h, 'create first and second on the same image', async () => {
      await createThroughForm('first', image);
      await createThroughForm('second', image);
    });
    await step(h, 'start first', async () => {
      await vmItem('first').click();
      await expect.poll(heading).toBe('first');
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
    });
    await step(h, 'start second: the error toast names first', async () => {
      await dismissNotices();
      await vmItem('second').click();
      await expect.poll(heading).toBe('second');
      await byId('action-start').click();
      await expect.poll(() => textOf('notice-error'), { timeout: 60_000 }).toContain('is in use by VM "first"; stop it or make this VM disposable');
    });
    await step(h, "second's Overview shows the failed start with QEMU's lines", async () => {
      await expect.poll(badge, { timeout: 30_000 }).toBe('crashed');
      await expect.poll(() => textOf('exit-summary'), { timeout: 30_000 }).toContain('the start failed: the image');
      expect(await textOf('last-exit')).toContain('Failed to get "write" lock');
      expect(await page.getByTestId('never-started').count()).toBe(0);
      await h.screenshot('journey-start-failed-overview');
    });
    await step(h, "second's Events show the failure", async () => {
      await page.getByRole('tab', { name: 'Events' }).click();
      await expect.poll(() => page.getByTestId('timeline-item').allTextContents(), { timeout: 30_000 }).toEqual(
        expect.arrayContaining([expect.stringContaining('in use by VM "first"')]),
      );
    });
    await step(h, '`vmdesk inspect second` shows the last exit', async () => {
      const r = await vmdesk(['inspect', 'second', '--json'], cliEnv());
      const { vm } = json<{ vm: VmInfo }>(r);
      expect(vm.state).toBe('crashed');
      expect(vm.lastExit?.summary).toContain('in use by VM "first"; stop it or make this VM disposable');
      expect(vm.lastExit?.stderrTail).toContain('Failed to get "write" lock');
    });
    await step(h, 'stop first; now second starts', async () => {
      await vmItem('first').click();
      await expect.poll(heading).toBe('first');
      await page.getByRole('tab', { name: 'Overview' }).click();
      await forceStop();
      await vmItem('second').click();
      await expect.poll(heading).toBe('second');
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      await forceStop();
    });
  }, 400_000);
});

describe('journey: duplicate, then both run', () => {
  it('Duplicate gives the copy its own image (or a disposable overlay); original and copy run at once', async () => {
    const page = h.page;
    await step(h, 'duplicate first: the copy gets its own image by default', async () => {
      await dismissNotices();
      await vmItem('first').click();
      await expect.poll(heading).toBe('first');
      await byId('action-duplicate').click();
      await byId('duplicate-dialog').waitFor();
      expect(await byId('duplicate-image-copy').isChecked()).toBe(true);
      expect(await textOf('duplicate-image')).toContain('only one of first and the copy can run at a time');
      await h.screenshot('journey-duplicate-dialog');
      await page.keyboard.press('Enter');
      await vmItem('first-copy').waitFor();
      await expect.poll(heading).toBe('first-copy');
      expect(await h.invoke('getTask', { name: 'first-copy' })).toMatchObject({ ok: true, value: { config: { image_path: 'shared.img' } } });
      expect(statSync(join(h.home, 'tasks', 'first-copy', 'shared.img')).size).toBe(statSync(image).size);
    });
    await step(h, 'start both', async () => {
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      await vmItem('first').click();
      await expect.poll(heading).toBe('first');
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      expect(await h.invoke('inspectVm', { name: 'first-copy' })).toMatchObject({ ok: true, value: { state: 'running' } });
    });
    await step(h, 'force stop asks first; Cancel keeps it running', async () => {
      await byId('action-force-stop').click();
      await byId('force-stop-dialog').waitFor();
      expect(await textOf('force-stop-dialog')).toContain('SIGKILL');
      await byId('force-stop-dialog').getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.getByTestId('force-stop-dialog').count()).toBe(0);
      expect(await badge()).toBe('running');
      await forceStop();
      await vmItem('first-copy').click();
      await expect.poll(heading).toBe('first-copy');
      await forceStop();
    });
  }, 300_000);
});

describe('journey: keyboard only', () => {
  it('creates and starts a VM with the keyboard, and leaves the console with Ctrl+]', async () => {
    const page = h.page;
    const { ready } = guestMarkers();
    await step(h, 'Ctrl+N, type the name and image, Tab to "+ Add port", add a port', async () => {
      await dismissNotices();
      await page.keyboard.press('Control+n');
      await byId('task-form').waitFor();
      await page.keyboard.type('keys');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('input-imagePath');
      await page.keyboard.type(join(images, 'keys.img'));
      copyFileSync(guestDisk, join(images, 'keys.img'));
      await byId('input-memory').focus();
      await page.keyboard.press('Control+a');
      await page.keyboard.type('128');
      await byId('add-port').focus();
      await page.keyboard.press('Enter');
      // Focus moves to the new row's label; Tab goes on to its guest port.
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('port-label');
      await page.keyboard.type('http');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('port-guest');
      await page.keyboard.type('80');
      await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain('Valid');
    });
    await step(h, '"Save and start" by keyboard; focus stays on the page', async () => {
      await byId('save-start').focus();
      await page.keyboard.press('Enter');
      await byId('vm-view').waitFor();
      await expect.poll(heading).toBe('keys');
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      await expect.poll(() => page.evaluate(() => document.activeElement !== document.body && document.activeElement !== null)).toBe(true);
    });
    await step(h, 'Ctrl+2 opens the console; the guest boots', async () => {
      await page.keyboard.press('Control+2');
      await page.locator('.xterm').waitFor();
      await expect.poll(() => page.locator('.xterm-rows').textContent(), { timeout: 240_000, interval: 500 }).toContain(ready);
      await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('.xterm')))).toBe(true);
    });
    await step(h, 'in the console, Ctrl+Shift+S does not stop the VM; Ctrl+] leaves the console', async () => {
      await page.keyboard.press('Control+Shift+S');
      await page.waitForTimeout(500);
      expect(await badge()).toBe('running');
      await page.keyboard.press('Control+]');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Console');
      // From the tabs the keyboard works as everywhere: the arrow key goes to Logs, Ctrl+Shift+S stops.
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Logs');
      await h.screenshot('journey-console-released');
      await page.keyboard.press('Control+Shift+S');
      await expect.poll(badge, { timeout: 120_000 }).toBe('stopped');
    });
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  }, 400_000);
});
