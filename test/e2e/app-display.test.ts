// The Display tab and the Snapshots section, end to end: the built renderer in Chromium, the real preload and
// main process (FAKE electron), the real VNC bridge, real QEMU running the test guest's VGA variant. noVNC in
// the page draws the guest's screen (pixels read back from its canvas), keys typed into it reach the shell on
// the guest's VGA console (which prints a computed marker on the serial console), a key button and the
// Screenshot button work, and the bridge refuses a connection without the session's token and a second page
// presenting a token already used. Snapshots: save with a tag, restore and delete through their confirmations.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchApp, waitFor, type AppHarness } from '../helpers/app-harness';
import { fakeControl } from '../helpers/fake-electron';
import { guestDir, guestDiskVga, guestMarkers } from '../helpers/guest';
import { guestTask } from '../helpers/guest-plan';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 240_000 });

let h: AppHarness;
const markers = guestMarkers();
const consoleLog = () => {
  try {
    return readFileSync(join(h.home, 'vms', 'screen', 'console.log'), 'latin1');
  } catch {
    return '';
  }
};

/** Resolves with the HTTP status a WebSocket handshake to `url` got (101 when it opened), and the first bytes. */
function tryConnect(url: string): Promise<{ status: number; first?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['binary']);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('message', (data: Buffer) => {
      resolve({ status: 101, first: data.toString('latin1') });
      ws.close();
    });
    ws.on('error', () => resolve({ status: 0 }));
  });
}

/**
 * Types as a person on a US keyboard does: Shift held down for shifted characters. (noVNC sends the physical
 * key to QEMU, so a "$" without a Shift press would reach the guest as "4".)
 */
async function typeLikeAUser(page: AppHarness['page'], text: string): Promise<void> {
  for (const ch of text) {
    const shifted = /[A-Z~!@#$%^&*()_+{}|:"<>?]/.test(ch);
    if (shifted) await page.keyboard.down('Shift');
    await page.keyboard.type(ch, { delay: 30 });
    if (shifted) await page.keyboard.up('Shift');
  }
}

beforeAll(async () => {
  h = await launchApp({ viewport: { width: 1280, height: 860 }, settings: { driver: { image_paths: [guestDir] } } });
  const saved = await h.invoke('saveTask', { task: guestTask('screen', guestDiskVga, { disposable: true, display: 'vnc', resources: { memory: 128 } }) });
  expect(saved.ok, JSON.stringify(saved)).toBe(true);
  const started = await h.invoke('startVm', { name: 'screen' });
  expect(started.ok, JSON.stringify(started)).toBe(true);
  await waitFor('the guest to boot', () => consoleLog().includes(`${markers.tick} 2`), 240_000);
});
afterAll(async () => {
  await h?.close();
});

describe('the Display tab', () => {
  it("shows the guest's screen through the bridge, and typed keys reach the guest", async () => {
    const page = h.page;
    await page.locator('[data-testid=vm-item][data-name=screen] .vm-item-main').click();
    await page.locator('#tab-display').click();
    await expect.poll(() => page.getByTestId('display-status').textContent(), { timeout: 60_000 }).toBe('Connected');
    const lit = () =>
      page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid=display-screen] canvas');
        if (!c || c.width === 0) return 0;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) n++;
        return n;
      });
    await expect.poll(lit, { timeout: 60_000 }).toBeGreaterThan(500); // the guest's text, drawn by noVNC

    await page.locator('[data-testid=display-screen] canvas').click();
    await typeLikeAUser(page, 'echo DISP-$((7*6))-OK >/dev/ttyS0');
    await page.keyboard.press('Enter');
    await waitFor('the typed command to run in the guest', () => consoleLog().includes('DISP-42-OK'), 60_000);
    await h.screenshot('display-tab');

    await page.getByTestId('keys-esc').click();
    await expect
      .poll(async () => {
        const r = await h.invoke('vmEvents', { name: 'screen' });
        return r.ok && r.value.some((e) => e.type === 'keys-sent' && e.message.includes('esc'));
      }, { timeout: 30_000 })
      .toBe(true);

    const shot = join(h.home, 'from-button.png');
    fakeControl.saveDialogResult = { canceled: false, filePath: shot };
    await page.getByTestId('display-screenshot').click();
    await waitFor('the screenshot file', () => existsSync(shot), 30_000);
    const png = PNG.sync.read(readFileSync(shot));
    expect(png.width).toBeGreaterThanOrEqual(640);
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  });

  it('the bridge refuses a connection without the token, and a second page with a used token', async () => {
    const opened = await h.invoke('displayOpen', { name: 'screen' });
    if (!opened.ok) throw new Error(opened.error.message);
    const url = opened.value.url;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/vnc\/[0-9a-f]{64}$/);
    const base = url.replace(/\/vnc\/.*$/, '');
    expect((await tryConnect(`${base}/vnc/`)).status).toBe(403);
    expect((await tryConnect(`${base}/vnc/${'0'.repeat(64)}`)).status).toBe(403);
    expect((await tryConnect(base)).status).toBe(403);
    const first = await tryConnect(url);
    expect(first).toMatchObject({ status: 101 });
    expect(first.first).toMatch(/^RFB 003\.00\d\n/); // QEMU's VNC server greets through the bridge
    expect((await tryConnect(url)).status).toBe(403); // the same token again: a second page
  });
});

describe('the Snapshots section', () => {
  it('saves a snapshot with a tag, restores it and deletes it through their confirmations', async () => {
    const page = h.page;
    await page.locator('#tab-snapshots').click();
    await page.getByTestId('snapshot-tag').fill('ui-snap');
    await page.getByTestId('snapshot-save').click();
    await page.getByTestId('snapshot-ui-snap').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('snapshot-ui-snap').textContent()).toMatch(/MiB/);
    await h.screenshot('snapshots-section');

    await page.getByTestId('snapshot-restore-ui-snap').click();
    await page.getByTestId('snapshot-confirm').click();
    await expect
      .poll(async () => {
        const r = await h.invoke('vmEvents', { name: 'screen' });
        return r.ok && r.value.some((e) => e.type === 'snapshot-restored');
      }, { timeout: 120_000 })
      .toBe(true);

    await page.getByTestId('snapshot-delete-ui-snap').click();
    await page.getByTestId('snapshot-confirm').click();
    await expect.poll(() => page.getByTestId('snapshot-ui-snap').count(), { timeout: 60_000 }).toBe(0);
    const list = await h.invoke('listSnapshots', { name: 'screen' });
    expect(list).toEqual({ ok: true, value: [] });
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  });
});
