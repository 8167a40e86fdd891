// The SSH terminal, end to end: the built renderer in Chromium, the real preload bridged to the real main process,
// real QEMU booting the REAL Debian cloud guest (test/guest/build-cloud-guest.mjs; about a minute under TCG to
// sshd), the system OpenSSH client with the VM's generated key. The SSH button opens the terminal; `uname -a`
// typed into it comes back with Linux; the prompt shows the hostname cloud-init set; the VM stopping ends ssh.
// A VM with cloud_init but no ssh port (the small test guest) shows the explanation instead of a terminal.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchApp, type AppHarness } from '../helpers/app-harness';
import { killTracked, pidsMentioning, trackDir } from '../helpers/cleanup';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { step } from '../helpers/journey';
import { waitFor } from '../helpers/wait-for';
// @ts-expect-error: a plain .mjs script without types
import { cloudGuestDir } from '../guest/build-cloud-guest.mjs';

vi.setConfig({ testTimeout: 1_500_000, hookTimeout: 1_200_000 });

const cloudGuest = (cloudGuestDir as () => { dir: string })().dir;
const HOSTNAME = 'vmdesk-sshbox';
let h: AppHarness;
let images: string;

beforeAll(async () => {
  guestMarkers(); // fails with the build command when the test guest is missing
  if (!existsSync(join(cloudGuest, 'guest.json'))) {
    const r = spawnSync(process.execPath, ['test/guest/build-cloud-guest.mjs'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('the cloud guest build failed (test/guest/build-cloud-guest.mjs)');
  }
  images = mkdtempSync(join(tmpdir(), 'vd-ssh-term-'));
  copyFileSync(guestDisk, join(images, 'small.img'));
  h = await launchApp({ viewport: { width: 1280, height: 860 }, settings: { driver: { image_paths: [images, cloudGuest] } } });
  trackDir(h.runtimeDir);
});
afterAll(async () => {
  try {
    await h?.close();
  } finally {
    killTracked();
    rmSync(images, { recursive: true, force: true });
  }
});

const byId = (id: string) => h.page.getByTestId(id).first();
const badge = () => h.page.locator('.vm-head [data-testid=state-badge]').textContent();
const sshRows = () => h.page.locator('[data-testid=ssh-terminal] .xterm-rows').textContent();

async function save(task: Record<string, unknown>): Promise<void> {
  const saved = await h.invoke('saveTask', { task });
  expect(saved).toMatchObject({ ok: true });
}

describe('the SSH terminal', () => {
  it('a cloud_init VM without an ssh port: the SSH tab explains what to add', async () => {
    await step(h, 'a running VM with cloud_init and no ssh port_map label', async () => {
      await save({ name: 'noport', config: { image_path: join(images, 'small.img'), accelerator: 'tcg', cloud_init: { hostname: 'noport' } }, resources: { memory: 128 }, kill_timeout: '5s' });
      await h.page.locator('[data-testid=vm-item][data-name="noport"]').click();
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 120_000 }).toBe('running');
    });
    await step(h, 'the SSH tab: no terminal, the explanation', async () => {
      await h.page.getByRole('tab', { name: 'SSH' }).click();
      await expect.poll(() => byId('ssh-blocked').textContent(), { timeout: 30_000 }).toMatch(/no host port for the "ssh" label.*port map "ssh" → guest 22/);
      expect(await h.page.getByTestId('ssh-terminal').count()).toBe(0);
      // Main refuses it too (the renderer is not trusted to have checked).
      const r = await h.invoke('sshOpen', { name: 'noport', cols: 80, rows: 24 });
      expect(r.ok === false && r.error.message).toMatch(/no port_map label "ssh"/);
      await h.screenshot('vm-ssh-no-port');
    });
    await step(h, 'stopped', async () => {
      expect(await h.invoke('stopVm', { name: 'noport', force: true })).toMatchObject({ ok: true });
      await expect.poll(badge, { timeout: 60_000 }).not.toBe('running');
    });
  });

  it('the real cloud guest: SSH opens a terminal, uname -a comes back, the prompt has the hostname; stopping the VM ends ssh', async () => {
    await step(h, 'define and start the Debian cloud guest with cloud_init and an ssh port', async () => {
      await save({
        name: 'sshbox',
        config: {
          image_path: join(cloudGuest, 'disk.qcow2'),
          accelerator: 'tcg',
          drive_interface: 'virtio',
          args: ['-kernel', join(cloudGuest, 'vmlinuz'), '-initrd', join(cloudGuest, 'initrd.img'), '-append', 'root=/dev/vda console=ttyS0 rw'],
          port_map: { ssh: 22 },
          cloud_init: { hostname: HOSTNAME },
        },
        resources: { memory: 1024, cores: 2 },
        ports: { ssh: 0 },
        disposable: true,
        kill_timeout: '10s',
      });
      await h.page.locator('[data-testid=vm-item][data-name="sshbox"]').click();
      await byId('action-start').click();
      await expect.poll(badge, { timeout: 180_000 }).toBe('running');
    });

    await step(h, 'SSH: the terminal logs in once sshd is up (Retry while the guest still boots)', async () => {
      await byId('action-ssh').click();
      await byId('ssh-terminal').waitFor();
      // Under TCG sshd answers about a minute after the start (later on a loaded machine): while it does not,
      // the tab says so with Retry; press it until the shell prompt shows the hostname cloud-init set.
      let sawNotUp = '';
      await waitFor(
        `a shell prompt with ${HOSTNAME} in the SSH terminal`,
        async () => {
          const rows = (await sshRows()) ?? '';
          if (rows.includes(`@${HOSTNAME}`)) return true;
          if (await h.page.getByTestId('ssh-retry').isVisible()) {
            sawNotUp ||= (await byId('ssh-error').textContent()) ?? '';
            await byId('ssh-retry').click();
          }
          return false;
        },
        900_000,
        3_000,
      );
      if (sawNotUp) expect(sawNotUp).toMatch(/not up yet|refused the key|ssh ended/);
      expect(await sshRows()).toMatch(new RegExp(`vmdesk@${HOSTNAME}:~\\$`));
      expect(await byId('ssh-status').textContent()).toMatch(/SSH to vmdesk@127\.0\.0\.1:\d+/);
    });

    await step(h, 'type uname -a: Linux comes back; the remote pty has the terminal\'s size, also after a resize', async () => {
      await h.page.locator('[data-testid=ssh-terminal] .xterm-helper-textarea').focus();
      await h.page.keyboard.type('uname -a\n');
      await expect.poll(sshRows, { timeout: 120_000, interval: 500 }).toMatch(new RegExp(`Linux ${HOSTNAME} \\S+ .*x86_64 GNU/Linux`));
      await h.screenshot('vm-ssh-terminal');
      // `stty size` in the guest says "rows cols": it must be the terminal's rows (its row elements), also after the
      // window shrinks (the resize goes to the remote pty with stty -F over a second ssh; poll until it has).
      const domRows = () => h.page.evaluate(() => document.querySelectorAll('[data-testid=ssh-terminal] .xterm-rows > div').length);
      const sttyRows = async (want: number) =>
        waitFor(
          `stty size in the guest to say ${want} rows`,
          async () => {
            await h.page.keyboard.type('clear; stty size\n');
            const text = (await sshRows()) ?? '';
            return new RegExp(`(^|\\D)${want} \\d+`).test(text.replace(/clear; stty size/g, ''));
          },
          120_000,
          2_000,
        );
      await sttyRows(await domRows());
      await h.page.setViewportSize({ width: 1100, height: 640 });
      await expect.poll(domRows, { timeout: 30_000 }).toBeLessThan(38);
      await sttyRows(await domRows());
    });

    await step(h, 'the VM stops: the session ends, no ssh process is left, the tab says why', async () => {
      const key = join(h.home, 'vms', 'sshbox', 'ssh', 'id_ed25519');
      expect(pidsMentioning(key).length).toBeGreaterThan(0);
      expect(await h.invoke('stopVm', { name: 'sshbox', force: true })).toMatchObject({ ok: true });
      await expect.poll(badge, { timeout: 120_000 }).not.toBe('running');
      await expect.poll(() => pidsMentioning(key).length, { timeout: 60_000 }).toBe(0);
      await h.page.getByRole('tab', { name: 'SSH' }).click();
      await expect.poll(() => byId('ssh-blocked').textContent(), { timeout: 30_000 }).toMatch(/sshbox is not running/);
    });
  });
});
