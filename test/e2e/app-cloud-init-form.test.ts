// The form's Cloud-init section, end to end: the built renderer in Chromium, the real preload bridged to the
// real main process, the real driver deciding as the user types. Broken user-data YAML is reported with its
// line under the editor and the form is not valid; fixed, the preview attaches the seed; saved, the task file
// holds the block; edited again, the section shows it back and keeps what it does not edit.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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
  images = mkdtempSync(join(tmpdir(), 'vd-cloud-form-'));
  copyFileSync(guestDisk, join(images, 'cloud.img'));
  h = await launchApp({ viewport: { width: 1280, height: 1100 }, settings: { driver: { image_paths: [images] } } });
});
afterAll(async () => {
  await h?.close();
  rmSync(images, { recursive: true, force: true });
});

const byId = (id: string) => h.page.getByTestId(id).first();
const text = (id: string) => byId(id).textContent();

describe('the Cloud-init section of the form', () => {
  it('checks user-data as the user types, saves the block, and shows it back on edit', async () => {
    await step(h, 'new VM with the section switched on', async () => {
      await byId('empty-create').click();
      await byId('input-name').fill('cloudy');
      await byId('input-imagePath').fill(join(images, 'cloud.img'));
      await byId('input-cloudInit').check();
      await byId('input-cloudInitHostname').fill('cloudy-host');
    });
    await step(h, 'broken YAML: the line is named under the editor, the form is not valid', async () => {
      await byId('input-cloudInitUserData').fill('#cloud-config\nruncmd:\n  - echo ok\n  bad: [unclosed\n');
      await expect.poll(() => byId('error-cloudInit').textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/broken YAML at line 4/);
      expect(await text('validation-status')).toMatch(/✗/);
      await byId('cloud-init-section').scrollIntoViewIfNeeded();
      await h.screenshot('create-form-cloud-init-error');
    });
    await step(h, 'fixed: valid, and the preview attaches the seed read-only', async () => {
      await byId('input-cloudInitUserData').fill('#cloud-config\nruncmd:\n  - echo hello > /dev/ttyS0\n');
      await expect.poll(() => h.page.getByTestId('error-cloudInit').count(), { timeout: 30_000 }).toBe(0);
      await expect.poll(() => text('cmd-preview'), { timeout: 30_000 }).toContain('id=vmdesk-seed');
      await expect.poll(() => text('validation-status'), { timeout: 30_000 }).toContain('Valid for this host');
      await byId('cloud-init-section').scrollIntoViewIfNeeded();
      await h.screenshot('create-form-cloud-init');
    });
    await step(h, 'saved: the task file holds the block (no keys: vmdesk will generate one)', async () => {
      await byId('save').click();
      await byId('vm-view').waitFor();
      const task = await h.invoke('getTask', { name: 'cloudy' });
      expect(task).toMatchObject({ ok: true, value: { config: { cloud_init: { hostname: 'cloudy-host', user_data: '#cloud-config\nruncmd:\n  - echo hello > /dev/ttyS0\n' } } } });
      expect(JSON.stringify(task)).not.toContain('ssh_authorized_keys');
    });
    await step(h, 'edit: the section shows the block back; a key added is saved beside it', async () => {
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-cloudInit').isChecked()).toBe(true);
      expect(await byId('input-cloudInitHostname').inputValue()).toBe('cloudy-host');
      expect(await byId('input-cloudInitUserData').inputValue()).toContain('echo hello');
      await byId('input-cloudInitKeys').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e me@laptop');
      await byId('save').click();
      await byId('vm-view').waitFor();
      expect(await h.invoke('getTask', { name: 'cloudy' })).toMatchObject({
        ok: true,
        value: { config: { cloud_init: { hostname: 'cloudy-host', ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e me@laptop'] } } },
      });
    });
  });
});
