// The form's Firmware and Drives sections, end to end: the built renderer in Chromium, the real preload
// bridged to the real main process (FAKE electron: the file dialog), the real driver deciding. UEFI + Secure
// Boot switches the machine to q35 and the preview shows OVMF; TPM adds swtpm's device; a drive outside the
// allowed paths is refused on its row; an ISO is inspected live and booted from CD; what is saved is the
// task file; the Overview shows it. Screenshots in docs/screenshots/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { fakeControl } from '../helpers/fake-electron';
import { guestEsp, guestIso, guestMarkers } from '../helpers/guest';

let h: AppHarness;
let esp: string;
let iso: string;

beforeAll(async () => {
  expect(guestMarkers().ready).toBeTruthy(); // fails with the build command when the guest is missing
  h = await launchApp({ viewport: { width: 1280, height: 1000 } });
  const images = join(h.home, 'my-images');
  mkdirSync(images);
  esp = join(images, 'uefi.img');
  iso = join(images, 'boot.iso');
  copyFileSync(guestEsp, esp);
  copyFileSync(guestIso, iso);
});
afterAll(async () => {
  await h?.close();
});

const text = (testId: string) => h.page.getByTestId(testId).first().textContent();

describe('the Firmware and Drives sections of the form', () => {
  it('UEFI + Secure Boot, TPM, a refused drive, then an ISO booted from CD; saved as the task file', async () => {
    const page = h.page;
    fakeControl.openDialogResult = { canceled: false, filePaths: [esp] };
    // The image's folder is not allowed yet: the app asks before adding it to image_paths; "Allow".
    fakeControl.messageBoxResult = { response: 0, checkboxChecked: false };
    await page.getByTestId('empty-create').click();
    await page.getByTestId('browse-image').click();
    await expect.poll(() => page.getByTestId('input-imagePath').inputValue()).toBe(esp);
    await page.getByTestId('input-name').fill('installer');
    await page.getByTestId('input-memory').fill('512');

    await page.getByTestId('firmware-uefi-secure').check();
    // Secure Boot needs SMM, which OVMF offers on q35 only: the form switches the machine type.
    await expect.poll(() => page.getByTestId('input-machineType').inputValue()).toBe('q35');
    await expect.poll(() => text('cmd-preview'), { timeout: 30_000 }).toContain('smm=on');
    expect(await text('cmd-preview')).toMatch(/if=pflash,unit=0,format=raw,read-only=on,file.driver=file,file.filename=\/usr\/share\/OVMF\/OVMF_CODE/);

    await page.getByTestId('input-tpm').check();
    await expect.poll(() => text('cmd-preview'), { timeout: 30_000 }).toContain('tpm-tis,tpmdev=vmdesk-tpm0');

    // A drive outside the task directory and image_paths: refused on its own row, by the driver.
    await page.getByTestId('add-iso').click();
    await page.getByTestId('drive-path').fill('/etc/passwd');
    await expect.poll(() => text('error-drive'), { timeout: 30_000 }).toMatch(/drives\[0\]\.path is not in the allowed paths: \/etc\/passwd/);
    expect(await page.getByTestId('validation-status').textContent()).toMatch(/✗/);

    await page.getByTestId('drive-path').fill(iso);
    await expect.poll(() => page.getByTestId('error-drive').count(), { timeout: 30_000 }).toBe(0);
    // Inspected live, like the image.
    await expect.poll(() => text('drive-info'), { timeout: 30_000 }).toContain('raw');
    await page.getByTestId('input-bootCdrom').check();
    await expect.poll(() => text('cmd-preview'), { timeout: 30_000 }).toContain('"bootindex":0');
    expect(await text('validation-status')).toContain('Valid for this host');
    await page.getByTestId('firmware-section').scrollIntoViewIfNeeded();
    await h.screenshot('create-form-hardware');

    await page.getByTestId('save').click();
    await page.getByTestId('vm-view').waitFor();
    expect(await h.invoke('getTask', { name: 'installer' })).toMatchObject({
      ok: true,
      value: { config: { image_path: esp, machine_type: 'q35', firmware: 'uefi', secure_boot: true, tpm: true, drives: [{ path: iso, media: 'cdrom' }], boot: 'cdrom' } },
    });
    const summary = page.getByTestId('task-summary');
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain('UEFI with Secure Boot (OVMF)');
    const rows = (await summary.textContent()) ?? '';
    expect(rows).toContain('TPM 2.0 (swtpm)');
    expect(rows).toContain(`ISO ${iso}`);
    expect(rows).toContain('CD (the first ISO)');
    await h.screenshot('vm-overview-hardware');
  });

  it('editing the saved VM shows the same choices back', async () => {
    const page = h.page;
    await page.getByTestId('action-edit').click();
    await page.getByTestId('task-form').waitFor();
    await expect.poll(() => page.getByTestId('firmware-uefi-secure').isChecked()).toBe(true);
    expect(await page.getByTestId('input-tpm').isChecked()).toBe(true);
    expect(await page.getByTestId('input-bootCdrom').isChecked()).toBe(true);
    expect(await page.getByTestId('drive-path').inputValue()).toBe(iso);
    // Back to BIOS: the Secure Boot keys go, and the task is valid again without them.
    await page.getByTestId('firmware-bios').check();
    await expect.poll(() => text('cmd-preview'), { timeout: 30_000 }).not.toContain('pflash');
  });
});
