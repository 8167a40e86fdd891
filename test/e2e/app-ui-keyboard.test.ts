// More of the app end to end, complementing app-flows.test.ts, on the same browser harness (the built
// renderer in Chromium, the real built preload and main process with only Electron faked, the real supervisor
// and real QEMU): a keyboard-driven create of a disposable VM with the guest agent, the args allowlist checked
// as you type and by the driver, start with a shortcut, the guest's IP addresses from the agent, the theme
// preference, force stop (after its confirmation), then duplicate and delete through their dialogs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, waitFor, type AppHarness } from '../helpers/app-harness';
import { guestDir, guestDisk, guestMarkers } from '../helpers/guest';

let h: AppHarness;

beforeAll(async () => {
  guestMarkers(); // fails with the build command when the guest is missing
  h = await launchApp({
    viewport: { width: 1280, height: 800 },
    settings: { driver: { image_paths: [guestDir], args_allowlist: ['-device', '-nodefaults'] } },
  });
});
afterAll(async () => {
  await h?.close();
});

const text = (testId: string) => h.page.getByTestId(testId).first().textContent();
const vmBadge = () => h.page.locator('.vm-head [data-testid=state-badge]').textContent();

describe('the app by keyboard, with the guest agent', () => {
  it('creates a disposable VM with Ctrl+N and Enter; extra args are checked against the allowlist', async () => {
    const page = h.page;
    await page.getByTestId('empty-state').waitFor();
    await page.keyboard.press('Control+n');
    await page.getByTestId('task-form').waitFor();
    // The name field has focus; type, then Tab on to the image path (typed, not picked).
    await page.keyboard.type('agent-vm');
    await page.getByTestId('input-imagePath').focus();
    await page.keyboard.type(guestDisk);
    await expect.poll(() => text('image-info'), { timeout: 30_000 }).toContain('raw');
    await page.getByTestId('input-disposable').check();
    await page.getByTestId('input-guestAgent').check();
    await page.getByTestId('input-memory').fill('128');

    // Not in the allowlist: flagged as you type, and the driver refuses it too.
    await page.getByTestId('input-args').fill('-monitor stdio');
    await expect.poll(() => text('error-args')).toBe('"-monitor" is not in args_allowlist');
    await expect.poll(() => text('validation-status'), { timeout: 30_000 }).toContain('-monitor');
    await page.getByTestId('input-args').fill('-device virtio-rng-pci');
    await expect.poll(() => page.getByTestId('error-args').count()).toBe(0);
    await expect.poll(() => text('validation-status'), { timeout: 30_000 }).toContain('Valid');
    expect(await text('cmd-preview')).toContain('virtio-rng-pci');

    // Enter in a field saves (the form's submit).
    await page.getByTestId('input-memory').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('vm-view').waitFor();
    expect(await page.locator('.vm-head h1').textContent()).toBe('agent-vm');
    const saved = await h.invoke('getTask', { name: 'agent-vm' });
    expect(saved).toMatchObject({ ok: true, value: { disposable: true, config: { guest_agent: true, args: ['-device', 'virtio-rng-pci'] } } });
  });

  it('starts with Ctrl+Shift+S and shows the guest IP addresses the agent reports', async () => {
    const page = h.page;
    await page.keyboard.press('Control+Shift+S');
    await expect.poll(vmBadge, { timeout: 60_000 }).toBe('running');
    // The agent answers once the guest has booted; the Refresh button asks again.
    await waitFor('the guest addresses from the agent', async () => {
      if ((await text('guest-addresses').catch(() => ''))?.includes('10.0.2.15')) return true;
      const refresh = page.getByRole('button', { name: 'Refresh' });
      if (await refresh.isEnabled().catch(() => false)) await refresh.click().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2000));
      return false;
    }, 240_000);
    expect(await text('guest-addresses')).toContain('eth0');
  }, 300_000);

  it('follows the theme preference (dark), set from Settings with Ctrl+,', async () => {
    const page = h.page;
    await page.keyboard.press('Control+,');
    await page.getByTestId('settings-view').waitFor();
    await page.getByTestId('settings-theme').selectOption('dark');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const settings = await h.invoke('getSettings');
    expect(settings).toMatchObject({ ok: true, value: { preferences: { theme: 'dark' } } });
    await page.keyboard.press('Control+Shift+ArrowDown');
    await page.getByTestId('guest-addresses').waitFor();
    // Dismiss the "Settings saved" notice so the screenshot shows the page.
    for (const b of await page.getByRole('button', { name: 'Dismiss' }).all()) await b.click();
    await h.screenshot('vm-overview-dark');
  });

  it('force stop asks first, then kills QEMU at once and says so', async () => {
    const page = h.page;
    await page.getByTestId('action-force-stop').click();
    await page.getByTestId('force-stop-dialog').waitFor();
    // Escape cancels: still running.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('force-stop-dialog').count()).toBe(0);
    expect(await vmBadge()).toBe('running');
    await page.getByTestId('action-force-stop').click();
    await page.getByTestId('force-stop-dialog').locator('button[type=submit]').click();
    await expect.poll(vmBadge, { timeout: 60_000 }).toBe('stopped');
    await expect.poll(() => text('last-exit')).toMatch(/SIGKILL/);
    expect(await text('last-exit')).toContain('stopped by vmdesk');
  });

  it('duplicates and deletes through their dialogs (Enter confirms)', async () => {
    const page = h.page;
    await page.getByTestId('action-duplicate').click();
    const dialog = page.getByTestId('duplicate-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('duplicate-name').inputValue()).toBe('agent-vm-copy');
    // The original is disposable: the copy shares its image, and both can run at once.
    expect(await dialog.getByTestId('duplicate-image-shared').isChecked()).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=vm-item][data-name=agent-vm-copy]').waitFor();
    await expect.poll(() => page.locator('.vm-head h1').textContent()).toBe('agent-vm-copy');

    await page.getByTestId('action-delete').click();
    await page.getByTestId('delete-dialog').waitFor();
    await page.getByLabel(/Also delete its logs/).check();
    await page.getByTestId('delete-dialog').locator('button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=vm-item][data-name=agent-vm-copy]').count()).toBe(0);
    expect(await h.invoke('getTask', { name: 'agent-vm-copy' })).toMatchObject({ ok: false, error: { code: 'VM_NOT_FOUND' } });
    expect(await page.locator('[data-testid=vm-item][data-name=agent-vm]').count()).toBe(1);
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  });
});
