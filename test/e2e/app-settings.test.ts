// The Settings journey, end to end (built renderer in Chromium, real preload and main process with only
// Electron FAKED; no VM is started): a save from the form keeps every driver key the operator set, including
// args_loader_allowlist and artifact_max_bytes (the form once dropped them); a bad size is refused by field
// and writes nothing; a theme picked shows at once and goes back when the page is left unsaved.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { step } from '../helpers/journey';

let h: AppHarness;
const driver = {
  image_paths: ['/srv/images'],
  args_allowlist: ['-readconfig', '-plugin', '-device'],
  args_loader_allowlist: ['-readconfig'],
  emulators_allowlist: ['x86_64'],
  port_bind_address: '127.0.0.1',
  artifact_max_bytes: 1048576,
};

beforeAll(async () => {
  h = await launchApp({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', settings: { driver } });
});
afterAll(async () => {
  await h?.close();
});

const byId = (id: string) => h.page.getByTestId(id).first();
const stored = () =>
  JSON.parse(readFileSync(join(h.home, 'settings.json'), 'utf8')) as {
    driver: Record<string, unknown>;
    preferences?: Record<string, unknown>;
  };
const theme = () => h.page.evaluate(() => document.documentElement.dataset.theme);

async function openSettings(): Promise<void> {
  await h.page.getByRole('button', { name: 'Settings' }).click();
  await byId('settings-view').waitFor();
}

describe('journey: settings', () => {
  it('shows the loader allowlist, and a save keeps it and every other driver key', async () => {
    await step(h, 'open settings: the allowed loader is ticked', async () => {
      await openSettings();
      expect(await byId('settings-loader-readconfig').isChecked()).toBe(true);
      expect(await byId('settings-loader-plugin').isChecked()).toBe(false);
      expect(await byId('settings-artifactMaxBytes').inputValue()).toBe('1048576');
    });
    await step(h, 'change the bind address only and save: the file keeps the rest', async () => {
      await byId('settings-portBindAddress').fill('127.0.0.2');
      await byId('settings-save').click();
      await expect.poll(() => stored().driver.port_bind_address, { timeout: 30_000 }).toBe('127.0.0.2');
      expect(stored().driver).toEqual({ ...driver, port_bind_address: '127.0.0.2' });
    });
    await step(h, 'tick -plugin and save: both loaders are stored', async () => {
      await byId('settings-loader-plugin').check();
      await byId('settings-save').click();
      await expect
        .poll(() => stored().driver.args_loader_allowlist, { timeout: 30_000 })
        .toEqual(['-readconfig', '-plugin']);
      await h.screenshot('settings-loaders');
    });
  });

  it('refuses a size that is not a number next to its field, and writes nothing', async () => {
    const before = readFileSync(join(h.home, 'settings.json'), 'utf8');
    await byId('settings-artifactMaxBytes').fill('1 GB');
    await byId('settings-save').click();
    await expect
      .poll(() => byId('error-artifactMaxBytes').textContent(), { timeout: 30_000 })
      .toContain('artifact_max_bytes must be a number of bytes');
    expect(readFileSync(join(h.home, 'settings.json'), 'utf8')).toBe(before);
    await byId('settings-artifactMaxBytes').fill('1048576');
  });

  it('shows a theme at once, and goes back to the saved one when the page is left unsaved', async () => {
    expect(await theme()).toBe('light');
    await byId('settings-theme').selectOption('dark');
    await expect.poll(theme).toBe('dark');
    await h.page.getByRole('button', { name: 'Health' }).click();
    await byId('health-view').waitFor();
    await expect.poll(theme).toBe('light');
    await openSettings();
    await byId('settings-theme').selectOption('dark');
    await byId('settings-save').click();
    await expect.poll(() => stored().preferences?.theme, { timeout: 30_000 }).toBe('dark');
    await h.page.getByRole('button', { name: 'Health' }).click();
    await byId('health-view').waitFor();
    expect(await theme()).toBe('dark');
  });
});
