// Quitting with VMs running (built main bundle, FAKE electron dialog, REAL supervisor and QEMU): the app asks;
// Cancel keeps everything; "Leave them running" quits and the next launch re-attaches the VM; "Stop them
// gracefully" with "remember" stops the VM and stores the preference in settings.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchMain, waitFor, type MainHarness } from '../helpers/app-harness';
import { pidsMentioning } from '../helpers/cleanup';
import { app, fakeControl } from '../helpers/fake-electron';
import { guestDir, guestDisk, guestMarkers } from '../helpers/guest';

const dirs = { home: mkdtempSync(join(tmpdir(), 'vd-quit-home-')), runtimeDir: mkdtempSync('/tmp/vd-') };
const settings = { driver: { image_paths: [guestDir] } };
const task = {
  name: 'quitter',
  config: { image_path: guestDisk, accelerator: 'tcg', graceful_shutdown: true },
  resources: { memory: 128 },
  kill_timeout: '20s',
  // A throw-away overlay: the shared test image is never written (and never write-locked).
  disposable: true,
};
let h: MainHarness | undefined;

afterAll(async () => {
  await h?.close();
  for (const pid of pidsMentioning(dirs.runtimeDir)) process.kill(pid, 'SIGKILL');
  rmSync(dirs.home, { recursive: true, force: true });
  rmSync(dirs.runtimeDir, { recursive: true, force: true });
});

/** Asks to quit (ignored while an earlier quit flow is still deciding); true once the app has quit. */
function quitOnceIdle(): boolean {
  if (!fakeControl.quitCompleted) app.quit();
  return fakeControl.quitCompleted;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('qemu-system');
  } catch {
    return false;
  }
};

describe('quit flow with a running VM', () => {
  it('asks; Cancel keeps the app and the VM', async () => {
    guestMarkers(); // fails with the build command when the guest is missing
    h = await launchMain({ settings, dirs });
    expect(await h.invoke('saveTask', { task })).toMatchObject({ ok: true, value: { name: 'quitter' } });
    const started = await h.invoke('startVm', { name: 'quitter' });
    expect(started).toMatchObject({ ok: true, value: { state: 'running' } });
    const pid = started.ok ? started.value.pid! : 0;

    fakeControl.messageBoxResult = { response: 2, checkboxChecked: true };
    app.quit();
    await waitFor('the quit dialog', () => fakeControl.messageBoxes.length === 1);
    expect(fakeControl.messageBoxes[0]).toMatchObject({
      buttons: ['Stop them gracefully', 'Leave them running', 'Cancel'],
      message: 'The VM quitter is still running.',
    });
    // The flow finishes asynchronously; once it is idle a second quit asks again.
    fakeControl.messageBoxResult = { response: 2, checkboxChecked: false };
    await waitFor('the flow to be ready again', async () => {
      app.quit();
      return fakeControl.messageBoxes.length >= 2;
    });
    expect(fakeControl.quitCompleted).toBe(false);
    expect(alive(pid)).toBe(true);
    const prefs = JSON.parse(readFileSync(join(dirs.home, 'settings.json'), 'utf8')).preferences;
    expect(prefs.quitBehaviour).toBe('ask'); // Cancel is never remembered
  });

  it('"Leave them running" quits with the VM alive, and the next launch re-attaches it', async () => {
    const before = await h!.invoke('inspectVm', { name: 'quitter' });
    const pid = before.ok ? before.value.pid! : 0;
    fakeControl.messageBoxResult = { response: 1, checkboxChecked: false };
    await waitFor('the app to quit', () => quitOnceIdle());
    expect(alive(pid)).toBe(true);
    await h!.close({ keepVmsRunning: true });

    h = await launchMain({ dirs });
    const again = await h.invoke('listVms');
    expect(again.ok && again.value.find((v) => v.name === 'quitter')).toMatchObject({ state: 'running', pid });
  });

  it('"Stop them gracefully" + remember: stops the VM, stores the preference, quits', async () => {
    const before = await h!.invoke('inspectVm', { name: 'quitter' });
    const pid = before.ok ? before.value.pid! : 0;
    // Once the guest runs its acpid, the power button stops it at the first step.
    const consoleLog = join(dirs.home, 'vms', 'quitter', 'console.log');
    await waitFor('the guest to be ready', () => readFileSync(consoleLog, 'utf8').includes(guestMarkers().ready), 240_000);
    fakeControl.messageBoxResult = { response: 0, checkboxChecked: true };
    await waitFor('the app to quit', () => quitOnceIdle(), 90_000);
    expect(alive(pid)).toBe(false);
    const prefs = JSON.parse(readFileSync(join(dirs.home, 'settings.json'), 'utf8')).preferences;
    expect(prefs.quitBehaviour).toBe('stop');
  }, 400_000);
});
