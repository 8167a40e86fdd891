// Journeys a user walks, end to end (built renderer in Chromium, real preload and main process with only
// Electron FAKED, real supervisor and QEMU): create → save → edit → save in place → rename → rename while
// running refused; a typed image path outside the allowed folders ("Allow this folder…" asks); a text file as an image (flagged); import a Nomad job → fix it in place → start; the demo VM's Edit form is valid. Each step
// is a journey step (test/helpers/journey.ts): when it fails, its screenshot is kept in test-results/journeys/.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { step } from '../helpers/journey';
import { fakeControl } from '../helpers/fake-electron';

let h: AppHarness;
let images: string;
let image: string;

beforeAll(async () => {
  guestMarkers(); // fails with the build command when the guest is missing
  // The user's own image folder, allowed in Settings (the shared test image is never written).
  images = mkdtempSync(join(tmpdir(), 'vd-journey-img-'));
  image = join(images, 'web.img');
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

/** Dismisses every notice (toasts), so the next step's notice is the only one. */
async function dismissNotices(): Promise<void> {
  for (const b of await h.page.getByRole('button', { name: 'Dismiss' }).all()) await b.click().catch(() => undefined);
}

/** Saves the open form with its Save button and waits for the VM page of `name`. */
async function saveForm(name: string): Promise<void> {
  await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain('Valid');
  await byId('save').click();
  await byId('vm-view').waitFor();
  await expect.poll(heading).toBe(name);
}

describe('journey: create, edit in place, rename', () => {
  it('creates a VM, edits it twice in place, renames it, and is refused a rename while it runs', async () => {
    const page = h.page;
    await step(h, 'create web through the form', async () => {
      await byId('empty-create').click();
      await byId('input-name').fill('web');
      await byId('input-imagePath').fill(image);
      await expect.poll(() => textOf('image-info'), { timeout: 30_000 }).toContain('raw');
      await byId('input-memory').fill('128');
      await saveForm('web');
      expect(await badge()).toBe('defined');
    });

    await step(h, 'edit web and save it in place (same name)', async () => {
      await dismissNotices();
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-memory').inputValue()).toBe('128');
      await byId('input-memory').fill('160');
      await saveForm('web');
      expect(await page.getByTestId('notice-error').count()).toBe(0);
      await expect.poll(() => textOf('notice-success')).toContain('Saved web');
      expect(JSON.parse(readFileSync(join(h.home, 'tasks', 'web.json'), 'utf8'))).toMatchObject({ name: 'web', resources: { memory: 160 } });
    });

    await step(h, 'edit web again without changing anything and save', async () => {
      await dismissNotices();
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-memory').inputValue()).toBe('160');
      await saveForm('web');
      expect(await page.getByTestId('notice-error').count()).toBe(0);
      expect(await vmItem('web').count()).toBe(1);
    });

    await step(h, 'rename web to web2', async () => {
      await dismissNotices();
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-name').inputValue()).toBe('web');
      await byId('input-name').fill('web2');
      await saveForm('web2');
      await expect.poll(() => vmItem('web').count()).toBe(0);
      expect(await vmItem('web2').count()).toBe(1);
      expect(existsSync(join(h.home, 'tasks', 'web.json'))).toBe(false);
      expect(JSON.parse(readFileSync(join(h.home, 'tasks', 'web2.json'), 'utf8'))).toMatchObject({ name: 'web2', resources: { memory: 160 } });
    });

    await step(h, 'start web2', async () => {
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
    });

    await step(h, 'a rename while web2 runs is refused next to the name, and nothing changes', async () => {
      await dismissNotices();
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-name').inputValue()).toBe('web2');
      await byId('input-name').fill('web3');
      await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain('Valid');
      await byId('save').click();
      await expect.poll(() => textOf('error-name'), { timeout: 30_000 }).toContain('"web2" is running; stop it before renaming it');
      expect(await page.getByTestId('task-form').count()).toBe(1);
      expect(existsSync(join(h.home, 'tasks', 'web3.json'))).toBe(false);
      await h.screenshot('journey-rename-running-refused');
    });

    await step(h, 'a save in place while web2 runs is fine (the next start uses it)', async () => {
      await byId('input-name').fill('web2');
      await byId('input-memory').fill('192');
      await saveForm('web2');
      expect(await badge()).toBe('running');
      expect(JSON.parse(readFileSync(join(h.home, 'tasks', 'web2.json'), 'utf8'))).toMatchObject({ resources: { memory: 192 } });
    });

    await step(h, 'stop web2', async () => {
      await byId('action-stop').click();
      await expect.poll(badge, { timeout: 120_000 }).toBe('stopped');
    });
  }, 400_000);
});

describe('journey: an image outside the allowed folders', () => {
  it('a typed path says so in words and offers "Allow this folder…", which asks first', async () => {
    const page = h.page;
    const elsewhere = mkdtempSync(join(tmpdir(), 'vd-journey-else-'));
    try {
      const other = join(elsewhere, 'other.img');
      copyFileSync(guestDisk, other);
      await step(h, 'type a path in a folder that is not allowed', async () => {
        await dismissNotices();
        await page.getByRole('button', { name: '+ New VM' }).click();
        await byId('task-form').waitFor();
        await byId('input-name').fill('other');
        await byId('input-imagePath').fill(other);
        await expect.poll(() => textOf('image-info'), { timeout: 30_000 }).toContain(`${other} is outside the folders VMs may use`);
        await byId('allow-image-folder').waitFor();
        await h.screenshot('journey-image-not-allowed');
      });
      await step(h, '"Allow this folder…" asks; Cancel changes nothing', async () => {
        fakeControl.messageBoxResult = { response: 1, checkboxChecked: false };
        const asked = fakeControl.messageBoxes.length;
        await byId('allow-image-folder').click();
        await expect.poll(() => fakeControl.messageBoxes.length).toBe(asked + 1);
        expect(fakeControl.messageBoxes.at(-1)).toMatchObject({ message: `Let VMs use images in ${elsewhere}?` });
        const s = await h.invoke('getSettings');
        expect(s.ok && s.value.driver.image_paths).toEqual([images]);
        expect(await textOf('image-info')).toContain('is outside the folders');
      });
      await step(h, '"Allow this folder…" and Allow: the image is read, the form is valid', async () => {
        fakeControl.messageBoxResult = { response: 0, checkboxChecked: false };
        await byId('allow-image-folder').click();
        await expect.poll(() => textOf('image-info'), { timeout: 30_000 }).toContain('raw');
        await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain('Valid');
        const s = await h.invoke('getSettings');
        expect(s.ok && s.value.driver.image_paths).toEqual([images, elsewhere]);
        await page.getByRole('button', { name: 'Cancel' }).click();
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('journey: a file that is not a disk image', () => {
  it('a 29-byte text file picked as a raw image is flagged: the firmware would find no bootable device', async () => {
    const page = h.page;
    const notes = join(images, 'notes.img');
    writeFileSync(notes, 'these are my notes, not a VM\n');
    await step(h, 'type the text file as the image: the form warns', async () => {
      await dismissNotices();
      await page.getByRole('button', { name: '+ New VM' }).click();
      await byId('task-form').waitFor();
      await byId('input-name').fill('notes');
      await byId('input-imagePath').fill(notes);
      await expect.poll(() => textOf('plan-warnings'), { timeout: 30_000 }).toContain('is only 29 bytes, too small for a boot sector');
      expect(await textOf('plan-warnings')).toContain('No bootable device');
      await page.getByRole('button', { name: 'Cancel' }).click();
    });
  });
});

describe('journey: import a Nomad job, fix it in place, start it', () => {
  it('imports a job whose task needs KVM and a missing image; the Edit form says so; fixed there, it starts', async () => {
    const page = h.page;
    const job = `job "lab" {
  group "g" {
    task "imported" {
      driver = "qemu"
      config {
        image_path  = "local/imported.img"
        accelerator = "kvm"
      }
      resources {
        memory = 128
      }
    }
  }
}
`;
    await step(h, 'import the job', async () => {
      await dismissNotices();
      await page.getByRole('button', { name: /Import Nomad job/ }).first().click();
      await byId('import-dialog').waitFor();
      await byId('job-text').fill(job);
      await byId('check-job').click();
      await byId('found-imported').waitFor({ timeout: 30_000 });
      await byId('import-chosen').click();
      await byId('vm-view').waitFor();
      await expect.poll(heading).toBe('imported');
    });

    await step(h, 'the Overview says why there is no command line', async () => {
      await expect.poll(() => textOf('task-invalid'), { timeout: 30_000 }).toMatch(/imported\.img|kvm|KVM/);
    });

    await step(h, 'the Edit form shows the problem; fixed in place it saves', async () => {
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => byId('input-imagePath').inputValue()).toBe('local/imported.img');
      // The relative path is the VM's own folder's (tasks/imported/local/), not the tasks folder.
      await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain(join(h.home, 'tasks', 'imported', 'local', 'imported.img'));
      await byId('input-imagePath').fill(image);
      await byId('input-accelerator').selectOption('tcg');
      await saveForm('imported');
      expect(await page.getByTestId('notice-error').count()).toBe(0);
      expect(JSON.parse(readFileSync(join(h.home, 'tasks', 'imported', 'imported.json'), 'utf8'))).toMatchObject({ config: { image_path: image, accelerator: 'tcg' } });
    });

    await step(h, 'start the fixed VM', async () => {
      await expect.poll(() => page.getByTestId('cmdline').count(), { timeout: 30_000 }).toBe(1);
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      await byId('action-force-stop').click();
      const confirm = page.getByTestId('force-stop-dialog');
      if (await confirm.count()) await confirm.locator('button[type=submit]').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('stopped');
    });
  }, 300_000);
});

describe('journey: the demo VM', () => {
  it("the demo VM's Edit form is valid and saves in place; its Overview has the command line", async () => {
    const page = h.page;
    await step(h, 'build the demo VM', async () => {
      const built = await page.evaluate(() => window.api.buildDemoImage());
      expect(built).toMatchObject({ ok: true });
      await vmItem('demo').click();
      await expect.poll(heading).toBe('demo');
    });
    await step(h, 'the Overview shows the command line with its own disk', async () => {
      await expect.poll(() => textOf('cmdline'), { timeout: 30_000 }).toContain(join(h.home, 'tasks', 'demo', 'disk.img'));
    });
    await step(h, 'the Edit form is valid, and Save keeps it', async () => {
      await dismissNotices();
      await byId('action-edit').click();
      await byId('task-form').waitFor();
      await expect.poll(() => textOf('validation-status'), { timeout: 30_000 }).toContain('Valid');
      expect(await page.getByTestId('error-imagePath').count()).toBe(0);
      await expect.poll(() => textOf('image-info'), { timeout: 30_000 }).toContain('raw');
      await h.screenshot('journey-demo-edit');
      await saveForm('demo');
      expect(await page.getByTestId('notice-error').count()).toBe(0);
      expect(JSON.parse(readFileSync(join(h.home, 'tasks', 'demo', 'demo.json'), 'utf8'))).toMatchObject({ config: { image_path: 'disk.img' } });
    });
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  }, 400_000);
});
