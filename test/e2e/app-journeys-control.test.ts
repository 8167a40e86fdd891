// Journeys of a running VM that do not stop QEMU, end to end (built renderer in Chromium, real preload and
// main process with only Electron FAKED, real supervisor and QEMU): Pause → the badge says paused and Resume
// is offered → Resume → running; Reboot resets the guest in the same QEMU process (same pid, the guest boots
// again, the Events say who reset it); a VM on a disk with nothing to boot shows the firmware's "No bootable
// device" as an event and as a warning in Overview, though QEMU runs. Failed steps keep a screenshot
// (test/helpers/journey.ts).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { step } from '../helpers/journey';

let h: AppHarness;
let images: string;

beforeAll(async () => {
  guestMarkers(); // fails with the build command when the guest is missing
  images = mkdtempSync(join(tmpdir(), 'vd-journey-ctl-'));
  copyFileSync(guestDisk, join(images, 'ctl.img'));
  // 29 bytes of text: "raw", and nothing a firmware can boot.
  writeFileSync(join(images, 'text.img'), 'this is not a disk image 1234');
  h = await launchApp({
    viewport: { width: 1280, height: 800 },
    settings: { driver: { image_paths: [images] } },
  });
});
afterAll(async () => {
  await h?.close();
  rmSync(images, { recursive: true, force: true });
});

const byId = (id: string) => h.page.getByTestId(id).first();
const badge = () => h.page.locator('.vm-head [data-testid=state-badge]').textContent();
const heading = () => h.page.locator('.vm-head h1').textContent();
const vmItem = (name: string) => h.page.locator(`[data-testid=vm-item][data-name="${name}"]`);
const consoleText = async (name: string) => {
  const r = await h.invoke('readLog', { name, stream: 'console', offset: 0, limit: 1024 * 1024 });
  return r.ok ? r.value.text : '';
};
const timeline = () => h.page.getByTestId('timeline-item').allTextContents();

async function define(name: string, image: string): Promise<void> {
  const saved = await h.invoke('saveTask', {
    task: {
      name,
      config: { image_path: join(images, image), accelerator: 'tcg' },
      resources: { memory: 128 },
      kill_timeout: '5s',
    },
  });
  expect(saved).toMatchObject({ ok: true });
  await vmItem(name).click();
  await expect.poll(heading).toBe(name);
}

async function forceStop(): Promise<void> {
  await h.page.getByRole('tab', { name: 'Overview' }).click();
  await byId('action-force-stop').click();
  await byId('force-stop-dialog').waitFor();
  await byId('force-stop-dialog').locator('button[type=submit]').click();
  await expect.poll(badge, { timeout: 60_000 }).toBe('stopped');
}

describe('journey: pause, resume, reboot', () => {
  it('pauses and resumes the guest, and reboots it in the same QEMU', async () => {
    const page = h.page;
    const { ready } = guestMarkers();
    let pid: number | undefined;
    await step(h, 'start ctl and wait for the guest', async () => {
      await define('ctl', 'ctl.img');
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      await expect.poll(() => consoleText('ctl'), { timeout: 240_000, interval: 500 }).toContain(ready);
      const info = await h.invoke('inspectVm', { name: 'ctl' });
      pid = info.ok ? info.value.pid : undefined;
      expect(pid).toBeGreaterThan(0);
    });
    await step(h, 'Pause: the badge says paused, Resume is offered', async () => {
      await byId('action-pause').click();
      await expect.poll(badge, { timeout: 30_000 }).toBe('paused');
      await byId('action-resume').waitFor();
      expect(await h.invoke('inspectVm', { name: 'ctl' })).toMatchObject({
        ok: true,
        value: { state: 'paused', pid },
      });
      // A paused VM is still up: the header and the list row say for how long, not "never started".
      expect(await h.page.locator('.vm-head .vm-title .muted').textContent()).toMatch(/^up \d/);
      expect(await vmItem('ctl').textContent()).not.toMatch(/never started/);
      await h.screenshot('journey-paused');
    });
    await step(h, 'Resume: running again', async () => {
      await byId('action-resume').click();
      await expect.poll(badge, { timeout: 30_000 }).toBe('running');
      await byId('action-pause').waitFor();
    });
    await step(h, 'Reboot: the guest boots again, same pid, and Events say vmdesk reset it', async () => {
      const before = (await consoleText('ctl')).split(ready).length;
      await byId('action-reboot').click();
      await expect
        .poll(async () => (await consoleText('ctl')).split(ready).length, { timeout: 240_000, interval: 500 })
        .toBeGreaterThan(before);
      expect(await h.invoke('inspectVm', { name: 'ctl' })).toMatchObject({
        ok: true,
        value: { state: 'running', pid },
      });
      await page.getByRole('tab', { name: 'Events' }).click();
      await expect
        .poll(timeline, { timeout: 30_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining('reset by vmdesk (Reboot)')]));
    });
    await step(h, 'Resume of a running VM is refused with the reason', async () => {
      expect(await h.invoke('resumeVm', { name: 'ctl' })).toMatchObject({
        ok: false,
        error: { code: 'VM_NOT_RUNNING', message: expect.stringContaining('nothing to resume') },
      });
      await forceStop();
      expect(await h.invoke('pauseVm', { name: 'ctl' })).toMatchObject({
        ok: false,
        error: { code: 'VM_NOT_RUNNING', message: expect.stringContaining('start it first') },
      });
    });
  }, 600_000);
});

describe('the host memory warning', () => {
  it('flags a VM that asks for more memory than the host has, in the form', async () => {
    const page = h.page;
    await vmItem('ctl').click();
    await expect.poll(heading).toBe('ctl');
    await byId('action-edit').click();
    await byId('task-form').waitFor();
    await byId('input-memory').fill('4000000');
    await expect
      .poll(
        () =>
          page
            .getByTestId('plan-warnings')
            .textContent()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toContain('4000000 MiB is more memory than this host has');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('journey: nothing to boot', () => {
  it('shows the firmware\'s "No bootable device" as an event and a warning on the running VM', async () => {
    const page = h.page;
    await step(h, 'start a VM on a text file', async () => {
      await define('textdisk', 'text.img');
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
    });
    await step(h, 'Overview warns that the guest did not boot', async () => {
      await expect
        .poll(
          () =>
            byId('run-warning-no-bootable-device')
              .textContent()
              .catch(() => ''),
          { timeout: 120_000, interval: 500 },
        )
        .toContain('No bootable device');
      await h.screenshot('journey-no-bootable-device');
    });
    await step(h, 'Events show it', async () => {
      await page.getByRole('tab', { name: 'Events' }).click();
      await expect
        .poll(timeline, { timeout: 30_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining('found nothing to boot')]));
    });
    await step(h, 'stopped: the warning is gone', async () => {
      await forceStop();
      expect(await page.getByTestId('run-warning-no-bootable-device').count()).toBe(0);
    });
  }, 300_000);
});
