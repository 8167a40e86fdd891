// Artifacts in the app, end to end: the built renderer in Chromium, the real preload and main process (FAKE
// electron), a real HTTP server (test/helpers/artifact-server.ts) serving the test guest's disk, real QEMU.
// Start fetches the VM's artifacts first: the VM header shows a live progress bar against the slow server, and
// Cancel stops the fetch (the Start fails with "cancelled", nothing is placed, QEMU never starts). A VM whose
// artifact comes fast starts and boots; the Downloads list says it was fetched; Settings and Health show the
// cache size; the edit form shows the artifact.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchApp, waitFor, type AppHarness } from '../helpers/app-harness';
import { startArtifactServer, type ArtifactServer } from '../helpers/artifact-server';
import { guestDisk, guestMarkers } from '../helpers/guest';
import { guestTask } from '../helpers/guest-plan';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

let h: AppHarness;
let server: ArtifactServer;
let sha256: string;

const artifactTask = (name: string, source: string) =>
  guestTask(name, 'local/disk.img', { disposable: true, artifacts: [{ source, destination: 'local/disk.img', mode: 'file', options: { checksum: `sha256:${sha256}` } }] });

beforeAll(async () => {
  sha256 = createHash('sha256').update(readFileSync(guestDisk)).digest('hex');
  server = await startArtifactServer({ 'disk.img': guestDisk }, { slowBytesPerSec: 512 * 1024 });
  h = await launchApp({ viewport: { width: 1280, height: 860 } });
});
afterAll(async () => {
  await h?.close();
  await server?.close();
});

describe('artifacts in the app', () => {
  it('Start shows the download with a progress bar against a slow server, and Cancel stops it: nothing placed, no QEMU', async () => {
    const saved = await h.invoke('saveTask', { task: artifactTask('slowimg', server.url('/slow/disk.img')) });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    if (!saved.ok) return;
    // A new VM with artifacts gets its own folder (what they fetch is its alone).
    expect(saved.value.taskFile).toBe(join(h.home, 'tasks', 'slowimg', 'slowimg.json'));
    const page = h.page;
    await page.locator('[data-testid=vm-item][data-name=slowimg] .vm-item-main').click();
    await page.getByTestId('action-start').click();
    const bar = page.getByTestId('download-slowimg');
    await expect.poll(() => bar.getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
    // Live progress: the line moves on to downloading, with bytes of the whole file, and the bar's value grows.
    await expect.poll(() => bar.getByTestId('download-line').textContent(), { timeout: 60_000 }).toMatch(/^Downloading disk\.img: [\d.]+ (KiB|MiB) of 40 MiB/);
    const value = () => bar.locator('progress').evaluate((p: HTMLProgressElement) => p.value);
    const first = await value();
    await expect.poll(value, { timeout: 60_000 }).toBeGreaterThan(first);
    await expect.poll(() => bar.getByTestId('download-line').textContent(), { timeout: 60_000 }).toMatch(/\/s · .* left/);
    await h.screenshot('artifact-download');

    await bar.getByTestId('download-cancel').click();
    await expect.poll(() => bar.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    expect(await bar.getByTestId('download-line').textContent()).toMatch(/^Cancelled disk\.img at .*: Start again to resume$/);
    const info = await h.invoke('inspectVm', { name: 'slowimg' });
    expect(info.ok && info.value.state).toBe('defined');
    expect(existsSync(join(h.home, 'tasks', 'slowimg', 'local', 'disk.img'))).toBe(false);
    // The partial download stays in the cache for the next Start to resume.
    const part = join(h.home, 'cache', 'tmp', `sha256-${sha256}.part`);
    expect(existsSync(part) && statSync(part).size).toBeGreaterThan(0);
    const served = server.served.get('/slow/disk.img') ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    expect(server.served.get('/slow/disk.img') ?? 0).toBeLessThan(served + 600 * 1024); // the transfer stopped
    // Cancelling when nothing runs says so, and changes nothing.
    const again = await h.invoke('cancelDownload', { name: 'slowimg' });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.message).toMatch(/nothing is being fetched for "slowimg"/);
  });

  it('a VM whose artifact comes fast starts and boots; the Downloads list, Settings and Health show it; the form shows the artifact', async () => {
    expect((await h.invoke('saveTask', { task: artifactTask('fastimg', server.url('/f/disk.img')) })).ok).toBe(true);
    const page = h.page;
    await page.locator('[data-testid=vm-item][data-name=fastimg] .vm-item-main').click();
    await page.getByTestId('action-start').click();
    const consoleLog = join(h.home, 'vms', 'fastimg', 'console.log');
    await waitFor('the guest ready marker', () => existsSync(consoleLog) && readFileSync(consoleLog, 'latin1').includes(guestMarkers().ready), 240_000);
    const placed = join(h.home, 'tasks', 'fastimg', 'local', 'disk.img');
    expect(createHash('sha256').update(readFileSync(placed)).digest('hex')).toBe(sha256);

    const downloads = await h.invoke('listDownloads');
    expect(downloads.ok && downloads.value.map((d) => [d.name, d.status])).toEqual([
      ['slowimg', 'cancelled'],
      ['fastimg', 'done'],
    ]);
    await page.locator('.sidebar .brand').click();
    const list = page.getByTestId('downloads-list');
    await expect.poll(() => list.getByTestId('download-fastimg').getByTestId('download-line').textContent(), { timeout: 30_000 }).toBe('Fetched disk.img');
    expect(await list.getByTestId('download-slowimg').getAttribute('data-status')).toBe('cancelled');
    await h.screenshot('downloads-list');

    await page.locator('.sidebar-foot').getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => page.getByTestId('cache-size').textContent(), { timeout: 30_000 }).toMatch(/^\d[\d.]* MiB in 1 entry · /);
    await page.getByTestId('cache-clear').click();
    // The entry is used by fastimg's folder: clearing keeps it (the partial download is recent: kept too).
    await expect.poll(() => page.getByTestId('cache-size').textContent(), { timeout: 30_000 }).toMatch(/ in 1 entry · /);
    const doctor = await h.invoke('doctor');
    expect(doctor.ok && doctor.value.cache).toMatchObject({ path: join(h.home, 'cache'), entries: 1 });

    await page.locator('[data-testid=vm-item][data-name=fastimg] .vm-item-main').click();
    await page.getByTestId('action-edit').click();
    await expect.poll(() => page.getByTestId('artifact-source').inputValue(), { timeout: 30_000 }).toBe(server.url('/f/disk.img'));
    expect(await page.getByTestId('artifact-checksum').inputValue()).toBe(`sha256:${sha256}`);
    expect(await page.getByTestId('artifact-mode').inputValue()).toBe('file');
    await page.getByTestId('artifact-editor').scrollIntoViewIfNeeded();
    await h.screenshot('task-form-artifacts');
    expect(h.pageErrors.filter((e) => !e.includes("'frame-ancestors' is ignored"))).toEqual([]);
  });
});
