// The Overview's SSH card for a task with cloud_init, end to end: the built renderer in Chromium, the real
// preload bridged to the real main process, real QEMU. The test guest does not run cloud-init (the cloud guest
// of test/integration/cloud-init-ssh.test.ts proves the login itself): here vmdesk builds the seed, generates
// the VM's key, and the card shows the exact `vmdesk ssh` command with the forwarded port, to copy.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
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
  images = mkdtempSync(join(tmpdir(), 'vd-ssh-card-'));
  copyFileSync(guestDisk, join(images, 'cloud.img'));
  h = await launchApp({ viewport: { width: 1280, height: 900 }, settings: { driver: { image_paths: [images] } } });
});
afterAll(async () => {
  await h?.close();
  rmSync(images, { recursive: true, force: true });
});

const byId = (id: string) => h.page.getByTestId(id).first();
const badge = () => h.page.locator('.vm-head [data-testid=state-badge]').textContent();

describe('the SSH card of a cloud_init VM', () => {
  it('shows the ssh command with the forwarded port and the generated key while running, and what to do when stopped', async () => {
    await step(h, 'define a VM with cloud_init and an ssh port', async () => {
      const saved = await h.invoke('saveTask', {
        task: {
          name: 'cloudy',
          config: { image_path: join(images, 'cloud.img'), accelerator: 'tcg', port_map: { ssh: 22 }, cloud_init: { hostname: 'cloudy' } },
          resources: { memory: 128 },
          ports: { ssh: 0 },
          kill_timeout: '5s',
        },
      });
      expect(saved).toMatchObject({ ok: true });
      await h.page.locator('[data-testid=vm-item][data-name="cloudy"]').click();
    });
    await step(h, 'never started: no SSH card yet (the access comes from a run\'s plan)', async () => {
      await byId('never-started').waitFor();
      expect(await h.page.getByTestId('ssh-access').count()).toBe(0);
    });
    await step(h, 'running: the exact command, with the host port and the key in the VM directory', async () => {
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 60_000 }).toBe('running');
      const info = await h.invoke('inspectVm', { name: 'cloudy' });
      if (!info.ok) throw new Error(info.error.message);
      const port = info.value.ports.find((p) => p.label === 'ssh')?.host;
      expect(port).toBeGreaterThan(0);
      const keyFile = join(h.home, 'vms', 'cloudy', 'ssh', 'id_ed25519');
      expect(existsSync(keyFile)).toBe(true);
      await expect.poll(() => byId('ssh-command').textContent(), { timeout: 30_000 }).toContain(`-p ${port}`);
      const cmd = (await byId('ssh-command').textContent())!;
      expect(cmd).toMatch(/^ssh /);
      expect(cmd).toContain(`-i ${keyFile}`);
      expect(cmd).toContain('vmdesk@127.0.0.1');
      expect(await byId('ssh-access').textContent()).toMatch(/with the key vmdesk generated for this VM.*vmdesk ssh cloudy/);
      await h.screenshot('vm-overview-ssh');
    });
    await step(h, 'stopped: the card says what starting does', async () => {
      const r = await h.invoke('stopVm', { name: 'cloudy', force: true });
      expect(r).toMatchObject({ ok: true });
      await expect.poll(badge, { timeout: 60_000 }).not.toBe('running');
      await expect.poll(() => byId('ssh-access').textContent(), { timeout: 30_000 }).toMatch(/Start the VM to log in as vmdesk over SSH/);
    });
  });
});
