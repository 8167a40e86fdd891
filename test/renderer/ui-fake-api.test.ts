// Renderer behaviour in real Chromium against the FAKE window.api (test/helpers/fake-api.js): list,
// form validation display, virtualised logs, console, dialogs, theme, settings, health, first run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveDirectory } from '../helpers/renderer-server';
import { fakeCalls, openWithFakeApi, type FakeConfig } from '../helpers/fake-page';

let browser: Browser;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  server = await serveDirectory();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const web = {
  name: 'web',
  state: 'exited',
  ports: [{ label: 'http', host: 8080, guest: 80, bind: '127.0.0.1', protocols: ['tcp', 'udp'] }],
  agent: 'unknown',
  disposable: false,
  taskFile: '/home/dev/.vmdesk/vms/web/task.json',
  lastExit: { at: '2026-11-27T10:00:00Z', code: 0, signal: null, shutdownReason: 'guest-shutdown', requested: true, stopStep: 'powerdown', summary: 'guest powered off' },
};
const webTask = { name: 'web', config: { image_path: '/images/web.qcow2', graceful_shutdown: true, guest_agent: true, port_map: { http: 80 } }, ports: { http: 8080 }, resources: { memory: 256 } };
const db = { name: 'db', state: 'running', pid: 99, startedAt: new Date(Date.now() - 3_725_000).toISOString(), ports: [], agent: 'responding', disposable: true };
const dbTask = { name: 'db', config: { image_path: '/images/db.qcow2' }, disposable: true };

const withVms: FakeConfig = { vms: [web, db], tasks: { web: webTask, db: dbTask } };

const pageErrors = new WeakMap<Page, string[]>();

async function open(config: FakeConfig, opts?: Parameters<typeof openWithFakeApi>[3]): Promise<Page> {
  const { page, errors } = await openWithFakeApi(browser, server.url, config, opts);
  pageErrors.set(page, errors);
  return page;
}

/** Closes the page; the page must not have thrown or logged an error. */
async function done(page: Page): Promise<void> {
  await page.context().close();
  expect(pageErrors.get(page)).toEqual([]);
}

describe('VM list', () => {
  it('shows each VM with its state, uptime and ports, and starts one from the list', async () => {
    const page = await open(withVms);
    const items = page.getByTestId('vm-item');
    await expect.poll(() => items.count()).toBe(2);
    const dbRow = page.locator('[data-testid=vm-item][data-name=db]');
    expect(await dbRow.getByTestId('state-badge').textContent()).toBe('running');
    expect(await dbRow.textContent()).toMatch(/1h 02m/);
    const webRow = page.locator('[data-testid=vm-item][data-name=web]');
    expect(await webRow.getByTestId('state-badge').textContent()).toBe('stopped');
    expect(await webRow.textContent()).toContain('guest powered off');

    await webRow.getByTestId('list-start-stop').click();
    await expect.poll(() => webRow.getByTestId('state-badge').textContent()).toBe('running');
    expect((await fakeCalls(page, 'startVm'))[0]!.request).toEqual({ name: 'web' });
    expect(await webRow.getByTestId('list-start-stop').textContent()).toBe('Stop');
    expect(await webRow.textContent()).toContain('8080→80');
    await done(page);
  });

  it('draws the sparkline from vmStats events', async () => {
    const page = await open(withVms);
    await page.getByTestId('vm-item').first().waitFor();
    await page.evaluate(() => {
      const fake = (window as unknown as { __fake: { emit: (e: string, p: unknown) => void } }).__fake;
      for (let i = 0; i < 5; i++) fake.emit('vmStats', { name: 'db', sample: { at: Date.now() + i * 1000, cpuPercent: i * 10, rssBytes: 100e6 + i * 1e6 } });
    });
    const path = page.locator('[data-name=db] .spark-cpu');
    await expect.poll(async () => ((await path.getAttribute('d')) ?? '').split('L').length).toBe(5);
    await done(page);
  });

  it('shows a failure with what happened and what to do', async () => {
    const page = await open({ ...withVms, failStart: { code: 'START_FAILED', message: 'qemu-system-x86_64: -drive: Could not open disk.img' } });
    await page.locator('[data-name=web]').getByTestId('list-start-stop').click();
    const notice = page.getByTestId('notice-error');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toContain('Could not start web');
    expect(text).toContain('Could not open disk.img');
    expect(text).toContain('Read the last lines of QEMU');
    await done(page);
  });
});

describe('VM view', () => {
  it('Overview shows ports as links, the command line, guest addresses and the last exit', async () => {
    const page = await open(withVms);
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByTestId('exit-summary').waitFor();
    expect(await page.getByTestId('exit-summary').textContent()).toBe('guest powered off');
    await expect.poll(() => page.getByTestId('cmdline').textContent()).toContain('-m 256M');
    await page.getByTestId('action-start').click();
    const link = page.getByTestId('port-link-http');
    await link.waitFor();
    expect(await link.textContent()).toBe('http://127.0.0.1:8080');
    await link.click();
    await expect.poll(async () => (await fakeCalls(page, 'openForwardedPort')).length).toBe(1);
    expect((await fakeCalls(page, 'openForwardedPort'))[0]!.request).toEqual({ name: 'web', label: 'http' });
    await page.getByTestId('guest-addresses').waitFor();
    expect(await page.getByTestId('guest-addresses').textContent()).toContain('10.0.2.15/24');
    // A graceful stop shows the exit reason.
    await page.getByTestId('action-stop').click();
    await expect.poll(() => page.locator('.vm-head [data-testid=state-badge]').textContent()).toBe('stopped');
    expect(await page.getByTestId('last-exit').textContent()).toContain('guest-shutdown');
    await done(page);
  });

  it('Overview says when the log disk is full (VmInfo.logDisk), with the supervisor\'s message', async () => {
    const message = 'the disk holding /home/dev/.vmdesk/vms/db is full (0 B free; ...). The VM keeps running';
    const page = await open({ vms: [{ ...db, logDisk: { full: true, since: '2026-11-27T10:00:00Z', path: '/home/dev/.vmdesk/vms/db/events.jsonl', freeBytes: 0, message } }], tasks: { db: dbTask } });
    await page.locator('[data-name=db] .vm-item-main').click();
    await page.getByTestId('log-disk-full').waitFor();
    expect(await page.getByTestId('log-disk-full').textContent()).toContain(message);
    expect(await page.getByTestId('log-disk-full').getAttribute('role')).toBe('alert');
    await done(page);
  });

  it('Console shows base64 console data and sends typed input', async () => {
    const page = await open({ ...withVms, consoleGreeting: 'Booting...\r\n\x1b[1mvmdesk-guest ready\x1b[0m\r\n# ' });
    await page.locator('[data-name=db] .vm-item-main').click();
    await page.getByRole('tab', { name: 'Console' }).click();
    const rows = page.locator('.xterm-rows');
    await expect.poll(() => rows.textContent()).toContain('vmdesk-guest ready');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('uname');
    await expect.poll(async () => (await fakeCalls(page, 'consoleWrite')).map((c) => c.request.data).join('')).toBe('uname');
    await expect.poll(() => rows.textContent()).toContain('# uname');
    await done(page);
  });

  it('Console says where output was skipped when main dropped what the window could not keep up with', async () => {
    const page = await open({ ...withVms, consoleGreeting: 'after the burst\r\n# ', consoleDropped: 5_242_880 });
    await page.locator('[data-name=db] .vm-item-main').click();
    await page.getByRole('tab', { name: 'Console' }).click();
    const rows = page.locator('.xterm-rows');
    await expect.poll(() => rows.textContent()).toContain('after the burst');
    expect(await rows.textContent()).toContain('[vmdesk: 5242880 bytes of fast console output skipped here');
    await done(page);
  });

  it('Console of a stopped VM shows the end of its console log, read with readLog', async () => {
    const page = await open({ ...withVms, logLines: 3 });
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByRole('tab', { name: 'Console' }).click();
    await expect.poll(() => page.locator('.xterm-rows').textContent()).toContain('line 00000003');
    expect((await fakeCalls(page, 'readLog')).every((c) => c.request.stream === 'console')).toBe(true);
    expect(await fakeCalls(page, 'consoleSubscribe')).toEqual([]);
    await done(page);
  });

  it('Logs of a million lines: the tail on screen first, older lines loaded scrolling up to line 1; virtualised, searchable, filterable', async () => {
    const page = await open({ ...withVms, logLines: 1_000_000 });
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByRole('tab', { name: 'Logs' }).click();
    const count = page.getByTestId('log-count');
    // The tail first, following: the last line is on screen, and the tab says older lines are not loaded.
    await expect.poll(() => page.locator('.log-row').last().textContent(), { timeout: 60_000 }).toContain('line 01000000');
    await page.getByTestId('log-older').waitFor();
    expect(await page.getByTestId('log-older').textContent()).toMatch(/Older lines not loaded yet \([\d.]+ MiB before these\)/);
    const first = Number(((await count.textContent()) ?? '').replace(/[^0-9]/g, ''));
    expect(first).toBeGreaterThan(1000);
    expect(first).toBeLessThan(20_000);
    // Only the visible rows exist in the DOM.
    const rendered = await page.getByTestId('log-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(120);
    // Search covers what is loaded (and says so): 1 NEEDLE per 1,000 lines of the tail.
    await page.getByTestId('log-search').fill('needle');
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toMatch(/^\d+ of [\d,]+ lines$/);
    expect(await page.getByTestId('log-older').textContent()).toContain('search covers the loaded lines');
    await page.getByTestId('log-search').fill('');
    // One older page with the button, the rest by scrolling to the top, until line 1 shows.
    await page.getByTestId('log-load-older').click();
    await expect.poll(async () => Number(((await count.textContent()) ?? '').replace(/[^0-9]/g, '')), { timeout: 30_000 }).toBeGreaterThan(first + 50_000);
    await expect
      .poll(
        async () => {
          await page.getByTestId('log-viewport').evaluate((el) => {
            el.scrollTop = 50;
            el.scrollTop = 0;
            el.dispatchEvent(new Event('scroll'));
          });
          // Each page put in front keeps the view on the same lines; only with all loaded does 0 stay the top.
          return page.getByTestId('log-older').count().then(async (older) => (older === 0 ? page.locator('.log-row').first().textContent() : 'older lines not loaded yet'));
        },
        { timeout: 120_000, interval: 200 },
      )
      .toContain('line 00000001');
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe('1,000,000 lines');
    expect(await page.getByTestId('log-older').count()).toBe(0);
    // Every line once, in order: line 2 follows line 1 and the row numbers match the text.
    expect(await page.locator('.log-row').nth(1).textContent()).toContain('line 00000002');
    await page.getByTestId('log-search').fill('needle');
    await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe('1,000 of 1,000,000 lines');
    expect(await page.locator('.log-row mark').first().textContent()).toBe('NEEDLE');
    // Hiding QEMU output leaves no NEEDLE line (they are all stderr).
    await page.getByLabel('QEMU output').uncheck();
    await expect.poll(() => count.textContent()).toBe('0 of 1,000,000 lines');
    await done(page);
  });

  it('Events show the timeline; Stats show the current numbers', async () => {
    const page = await open({
      ...withVms,
      events: { db: [{ at: '2026-11-27T10:00:00Z', kind: 'lifecycle', type: 'started', message: 'QEMU started (pid 99)' }, { at: '2026-11-27T10:00:01Z', kind: 'qmp', type: 'RESUME', message: 'guest running' }] },
      stats: { db: [{ at: Date.now() - 2000, cpuPercent: 12.5, rssBytes: 150 * 1048576 }, { at: Date.now() - 1000, cpuPercent: 3.25, rssBytes: 160 * 1048576 }] },
    });
    await page.locator('[data-name=db] .vm-item-main').click();
    await page.getByRole('tab', { name: 'Events' }).click();
    await expect.poll(() => page.getByTestId('timeline-item').count()).toBe(2);
    expect(await page.getByTestId('timeline-item').first().textContent()).toContain('RESUME');
    await page.getByRole('tab', { name: 'Stats' }).click();
    await expect.poll(() => page.getByTestId('stat-cpu').textContent()).toBe('3.3%');
    expect(await page.getByTestId('stat-mem').textContent()).toBe('160 MiB');
    expect(await page.locator('.chart canvas').count()).toBe(2);
    expect(await page.getByTestId('stats-stale').count()).toBe(0);
    // Stopped: no figure is shown as current; the charts are labelled as the last run's.
    await page.getByTestId('action-stop').click();
    await expect.poll(() => page.getByTestId('stat-cpu').textContent()).toBe('—');
    expect(await page.getByTestId('stat-mem').textContent()).toBe('—');
    expect(await page.getByTestId('stats-stale').textContent()).toMatch(/^Not running: the charts show the last run, up to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.$/);
    expect(await page.locator('.chart canvas').count()).toBe(2);
    await done(page);
  });
});

describe('create / edit form', () => {
  const formConfig: FakeConfig = {
    pickImage: '/images/Web Server.qcow2',
    images: { '/images/Web Server.qcow2': { path: '/images/Web Server.qcow2', format: 'qcow2', virtualSize: 10 * 1024 ** 3, backingFile: '/images/base.img' } },
    settings: { driver: { image_paths: ['/images'], args_allowlist: ['-device', '-nodefaults'], emulators_allowlist: [], port_bind_address: '127.0.0.1' }, preferences: { quitBehaviour: 'ask', theme: 'system' } },
  };

  it('picks the image, shows what it is, previews the command line and shows errors next to their fields', async () => {
    const page = await open(formConfig);
    await page.getByTestId('empty-create').click();
    await page.getByTestId('browse-image').click();
    await expect.poll(() => page.getByTestId('input-imagePath').inputValue()).toBe('/images/Web Server.qcow2');
    expect(await page.getByTestId('input-name').inputValue()).toBe('web-server');
    await expect.poll(() => page.getByTestId('image-info').textContent()).toContain('qcow2');
    expect(await page.getByTestId('image-info').textContent()).toContain('10 GiB');
    expect(await page.getByTestId('image-info').textContent()).toContain('/images/base.img');

    // The preview follows the typing.
    await page.getByTestId('input-memory').fill('512');
    await expect.poll(() => page.getByTestId('cmd-preview').textContent()).toContain('-m 512M');
    expect(await page.getByTestId('validation-status').textContent()).toContain('Valid');

    // A bad port map: the error sits next to the port row.
    await page.getByTestId('add-port').click();
    await page.getByTestId('port-label').fill('http');
    await page.getByTestId('port-guest').fill('70000');
    await expect.poll(() => page.getByTestId('error-port').textContent()).toBe('guest port must be 1 to 65535');
    // Only the guest port cell is marked, not the whole row.
    expect(await page.getByTestId('port-guest').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('port-label').getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByTestId('port-host').getAttribute('aria-invalid')).toBe('false');
    await page.getByTestId('port-guest').fill('80');
    await expect.poll(() => page.getByTestId('error-port').count()).toBe(0);
    await expect.poll(() => page.getByTestId('cmd-preview').textContent()).toContain('hostfwd=tcp:127.0.0.1:0-:80');

    // Extra args are checked against the allowlist as you type.
    await page.getByTestId('input-args').fill('-device virtio-rng-pci -monitor stdio');
    await expect.poll(() => page.getByTestId('error-args').textContent()).toBe('"-monitor" is not in args_allowlist');
    await page.getByTestId('input-args').fill('-device virtio-rng-pci');
    await expect.poll(() => page.getByTestId('error-args').count()).toBe(0);

    // Memory below the bound: the driver's message, next to Memory.
    await page.getByTestId('input-memory').fill('64');
    await expect.poll(() => page.getByTestId('error-memory').textContent()).toContain('out of bounds');
    await page.getByTestId('input-memory').fill('512');

    await page.getByTestId('save').click();
    await page.getByTestId('vm-view').waitFor();
    const saved = (await fakeCalls(page, 'saveTask'))[0]!.request.task;
    expect(saved).toMatchObject({
      name: 'web-server',
      config: { image_path: '/images/Web Server.qcow2', args: ['-device', 'virtio-rng-pci'], port_map: { http: 80 } },
      ports: { http: 0 },
      resources: { memory: 512, cores: 1 },
    });
    expect(await page.locator('[data-testid=vm-item][data-name=web-server]').count()).toBe(1);
    await done(page);
  });

  it('edits an existing VM with its saved values', async () => {
    const page = await open(withVms);
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByTestId('action-edit').click();
    await expect.poll(() => page.getByTestId('input-imagePath').inputValue()).toBe('/images/web.qcow2');
    expect(await page.getByTestId('port-label').inputValue()).toBe('http');
    expect(await page.getByTestId('port-host').inputValue()).toBe('8080');
    expect(await page.getByTestId('input-guestAgent').isChecked()).toBe(true);
    expect(await page.getByTestId('input-memory').inputValue()).toBe('256');
    await done(page);
  });
});

describe('dialogs and keyboard', () => {
  it('delete asks first; Escape cancels, Enter confirms with the logs choice', async () => {
    const page = await open(withVms);
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByTestId('action-delete').click();
    await page.getByTestId('delete-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('delete-dialog').count()).toBe(0);
    expect(await fakeCalls(page, 'deleteVm')).toEqual([]);
    await page.getByTestId('action-delete').click();
    await page.getByLabel(/Also delete its logs/).check();
    await page.getByTestId('delete-dialog').locator('button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await fakeCalls(page, 'deleteVm')).map((c) => c.request)).toEqual([{ name: 'web', removeLogs: true }]);
    await expect.poll(() => page.locator('[data-name=web]').count()).toBe(0);
    await done(page);
  });

  it('duplicates under a new name', async () => {
    const page = await open(withVms);
    await page.locator('[data-name=web] .vm-item-main').click();
    await page.getByTestId('action-duplicate').click();
    const input = page.getByTestId('duplicate-name');
    await input.fill('Bad Name');
    expect(await page.getByTestId('duplicate-dialog').textContent()).toContain('lower-case');
    await input.fill('web2');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=vm-item][data-name=web2]').count()).toBe(1);
    await done(page);
  });

  it('F1 lists the shortcuts; Ctrl+N opens the form; Ctrl+Shift+arrows move between VMs', async () => {
    const page = await open(withVms);
    await page.getByTestId('vm-item').first().waitFor();
    await page.keyboard.press('F1');
    await page.getByTestId('help-dialog').waitFor();
    expect(await page.getByTestId('help-dialog').textContent()).toContain('Ctrl+N');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+n');
    await page.getByTestId('task-form').waitFor();
    await page.keyboard.press('Control+Shift+ArrowDown');
    await expect.poll(() => page.locator('.vm-head h1').textContent()).toBe('db');
    await page.keyboard.press('Control+3');
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('Logs');
    // Arrow keys move between tabs when a tab has focus.
    await page.getByRole('tab', { selected: true }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('Stats');
    await done(page);
  });
});

describe('theme, settings, health, first run', () => {
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  it('follows the OS colour scheme, and the theme preference overrides it', async () => {
    const dark = await open(withVms, { colorScheme: 'dark' });
    await dark.getByTestId('vm-item').first().waitFor();
    expect(await background(dark)).toBe('rgb(22, 24, 29)');
    await done(dark);
    const light = await open(withVms, { colorScheme: 'light' });
    await light.getByTestId('vm-item').first().waitFor();
    expect(await background(light)).toBe('rgb(246, 247, 249)');
    await light.getByRole('button', { name: 'Settings' }).click();
    await light.getByTestId('settings-theme').selectOption('dark');
    await light.getByTestId('settings-save').click();
    await expect.poll(() => background(light)).toBe('rgb(22, 24, 29)');
    await done(light);
  });

  it('settings: a refused value shows its error next to the field', async () => {
    const page = await open(withVms);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByTestId('settings-portBindAddress').fill('localhost');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('error-portBindAddress').textContent()).toBe('port_bind_address must be an IP address (such as 127.0.0.1)');
    await page.getByTestId('settings-imagePaths').fill('/images\n/srv/vm images');
    await page.getByTestId('settings-portBindAddress').fill('127.0.0.1');
    await page.getByTestId('settings-save').click();
    await expect.poll(async () => (await fakeCalls(page, 'setSettings')).length).toBe(2);
    expect((await fakeCalls(page, 'setSettings'))[1]!.request).toMatchObject({ settings: { driver: { image_paths: ['/images', '/srv/vm images'], port_bind_address: '127.0.0.1' } } });
    await done(page);
  });

  it('health says when QEMU is missing and how to install it', async () => {
    const page = await open({
      doctor: { emulators: [], kvm: { exists: false, usable: false, detail: '/dev/kvm does not exist' }, sandbox: { supported: false, detail: 'no QEMU' }, accelerators: [], hints: ['Install QEMU: sudo apt-get install qemu-system-x86 qemu-utils'] },
    });
    await page.getByRole('button', { name: 'Health' }).click();
    await page.getByTestId('qemu-missing').waitFor();
    expect(await page.getByTestId('doctor-hints').textContent()).toContain('sudo apt-get install qemu-system-x86');
    await done(page);
  });

  it('first run: explains vmdesk and builds the demo image with a progress bar', async () => {
    const page = await open({ demoStepMs: 400 });
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('empty-state').textContent()).toContain('vmdesk starts, watches and stops QEMU virtual machines');
    await page.getByTestId('build-demo').click();
    const bar = page.getByTestId('demo-progress').locator('progress');
    await bar.waitFor();
    await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
    await page.getByTestId('vm-view').waitFor();
    expect(await page.locator('.vm-head h1').textContent()).toBe('demo');
    await done(page);
  });
});
