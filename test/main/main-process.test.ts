// The main process (src/main/index.ts and the built out/main/index.js) under Node with the FAKE electron module
// (the Electron binary cannot run here): window security options, every contract channel registered, calls
// from unknown senders refused, bad input refused with a clear code, permissions denied, navigation and new
// windows blocked, the single-instance lock. The supervisor and driver behind it are real.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelName, invokeContract, type InvokeName } from '../../src/shared/ipc-contract';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window/security';
import { launchMain, type MainHarness } from '../helpers/app-harness';
import { startFakeNomad } from '../helpers/fake-nomad-server';
import { app, fakeControl, FakeBrowserWindow, FakeWebFrameMain, ipcMain, resetFakeElectron, session } from '../helpers/fake-electron';

const root = resolve(import.meta.dirname, '..', '..');

describe.each(['source', 'bundle'] as const)('main process (%s)', (entry) => {
  let h: MainHarness;
  beforeAll(async () => {
    h = await launchMain({ entry });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates one sandboxed, isolated window without Node, with devtools off outside development', () => {
    expect(FakeBrowserWindow.windows).toHaveLength(1);
    expect(h.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    const preload = String(h.webPreferences.preload);
    expect(preload.endsWith(join('preload', 'index.cjs'))).toBe(true);
    expect(h.window.loadedFile?.endsWith(join('renderer', 'index.html'))).toBe(true);
    if (entry === 'bundle') {
      // The ESM bundle finds the files it ships with (import.meta.dirname, not __dirname).
      expect(preload).toBe(join(root, 'out', 'preload', 'index.cjs'));
      expect(existsSync(preload)).toBe(true);
      expect(h.window.loadedFile).toBe(join(root, 'out', 'renderer', 'index.html'));
    }
  });

  it('registers exactly one handler per contract channel', () => {
    const expected = (Object.keys(invokeContract) as InvokeName[]).map((k) => channelName(k)).sort();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(expected);
  });

  it('serves our window: settings from $VMDESK_HOME/settings.json, the doctor report', async () => {
    const s = await h.invoke('getSettings');
    expect(s).toMatchObject({ ok: true, value: { driver: { port_bind_address: '127.0.0.1' }, preferences: { quitBehaviour: 'ask' } } });
    // electron-store wrote the defaults into the file the CLI reads (key `driver`).
    const file = JSON.parse(readFileSync(join(h.home, 'settings.json'), 'utf8'));
    expect(file.driver.port_bind_address).toBe('127.0.0.1');
    const d = await h.invoke('doctor');
    expect(d.ok && d.value.emulators.map((e) => e.name)).toContain('x86_64');
  });

  it('refuses calls from another window, a subframe, or a page that navigated away', async () => {
    const intruder = new FakeBrowserWindow({});
    await intruder.loadURL(h.window.loadedUrl!);
    const sub = new FakeWebFrameMain(h.window.loadedUrl!, h.window.webContents.mainFrame);
    const foreign = new FakeWebFrameMain('https://evil.example/', null);
    for (const event of [intruder.webContents.ipcEvent(), h.window.webContents.ipcEvent(sub), h.window.webContents.ipcEvent(foreign)]) {
      const r = await ipcMain.invoke(channelName('getSettings'), event);
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    intruder.destroy();
  });

  it('refuses bad input with BAD_REQUEST, naming the field', async () => {
    const event = h.window.webContents.ipcEvent();
    expect(await ipcMain.invoke(channelName('stopVm'), event, { name: 'web', force: 'yes' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', field: 'force', message: 'stopVm: force: expected a boolean' },
    });
    expect(await ipcMain.invoke(channelName('inspectVm'), event, { name: '../../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', field: 'name' },
    });
    expect(await ipcMain.invoke(channelName('setSettings'), event, { settings: {}, extra: true })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', field: 'extra' },
    });
  });

  it('returns domain errors as data with a stable code', async () => {
    expect(await h.invoke('inspectVm', { name: 'ghost' })).toMatchObject({ ok: false, error: { code: 'VM_NOT_FOUND' } });
    const bad = await h.invoke('setSettings', { settings: { driver: { port_bind_address: 'everywhere' } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_DRIVER_CONFIG', field: 'driver.port_bind_address' } });
  });

  it('denies permission requests and checks, and sends the CSP header', async () => {
    const s = session.defaultSession;
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(await s.requestPermission(permission)).toBe(false);
    }
    expect(s.permissionCheckHandler?.({}, 'media', 'file://', {})).toBe(false);
    const headers = await s.applyHeaders('http://localhost:5173/', { 'content-type': ['text/html'] });
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('imports a Nomad job as VMs (all or nothing) and exports a VM back as a job', async () => {
    const hcl = readFileSync(join(root, 'test/fixtures/nomad/group-network.nomad.hcl'), 'utf8');
    const broken = await h.invoke('importJob', { text: readFileSync(join(root, 'test/fixtures/nomad/trailing-comma.hcl'), 'utf8') });
    expect(broken).toMatchObject({ ok: true, value: { ok: false, vms: [] } });
    expect(broken.ok && broken.value.diagnostics[0]).toMatchObject({ severity: 'error', line: 9 });

    const imported = await h.invoke('importJob', { text: hcl });
    expect(imported).toMatchObject({ ok: true, value: { ok: true, job: { name: 'lab', format: 'hcl' }, vms: ['frontend', 'backend'] } });
    expect(existsSync(join(h.home, 'tasks', 'frontend', 'frontend.json'))).toBe(true);
    const list = await h.invoke('listVms');
    expect(list.ok && list.value.map((v) => v.name)).toEqual(expect.arrayContaining(['frontend', 'backend']));
    // Importing again would overwrite: refused, nothing written.
    const again = await h.invoke('importJob', { text: hcl });
    expect(again.ok && again.value.ok).toBe(false);
    expect(again.ok && again.value.diagnostics.filter((d) => d.kind === 'exists').length).toBe(2);

    const exported = await h.invoke('exportJob', { name: 'frontend', format: 'hcl' });
    expect(exported.ok && exported.value.text).toMatch(/job "frontend"/);
    const saveTo = join(h.home, 'frontend.nomad.json');
    fakeControl.saveDialogResult = { canceled: false, filePath: saveTo };
    const saved = await h.invoke('exportJob', { name: 'frontend', format: 'json', save: true });
    expect(saved).toMatchObject({ ok: true, value: { format: 'json', savedTo: saveTo } });
    expect(JSON.parse(readFileSync(saveTo, 'utf8')).Job.ID).toBe('frontend');
    expect(await h.invoke('exportJob', { name: 'frontend', format: 'hcl', artifactUrl: 'file:///etc/passwd; rm' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', field: 'artifactUrl' },
    });

    // Submit to a FAKE Nomad API (a cluster cannot run here): registered, followed until running, progress pushed.
    const nomad = await startFakeNomad({ token: 'secret-token' });
    try {
      const sent: unknown[] = [];
      fakeControl.onSend = (_w, channel, args) => {
        if (channel === 'vmdesk:nomadSubmit') sent.push(args[0]);
      };
      const submitted = await h.invoke('submitJob', { name: 'frontend', address: nomad.address, token: 'secret-token' });
      expect(submitted).toMatchObject({ ok: true, value: { jobId: 'frontend', outcome: 'running' } });
      expect(sent).toContainEqual({ name: 'frontend', event: expect.objectContaining({ kind: 'registered', jobId: 'frontend' }) });
      expect(JSON.stringify(sent)).not.toContain('secret-token');
      const denied = await h.invoke('submitJob', { name: 'frontend', address: nomad.address, token: 'tok-xyzzy-42' });
      expect(denied).toMatchObject({ ok: false, error: { code: 'NOMAD_ERROR' } });
      expect(JSON.stringify(denied)).not.toContain('tok-xyzzy-42');
    } finally {
      delete fakeControl.onSend;
      await nomad.close();
    }

    for (const name of ['frontend', 'backend']) expect(await h.invoke('deleteVm', { name, removeLogs: true })).toEqual({ ok: true, value: undefined });
    expect(existsSync(join(h.home, 'tasks', 'frontend'))).toBe(false);
  });

  it('keeps the window on our page and opens no new windows', () => {
    const wc = h.window.webContents;
    expect(wc.simulateNavigation('https://evil.example/')).toBe(false);
    expect(wc.simulateNavigation('file:///etc/passwd')).toBe(false);
    expect(wc.simulateNavigation('https://evil.example/', 'will-redirect')).toBe(false);
    expect(wc.simulateNavigation(`${h.window.loadedUrl}#/settings`)).toBe(true);
    expect(wc.simulateWindowOpen('https://evil.example/')).toEqual({ action: 'deny' });
    // No VM forwards this port, so it is not opened in the browser either.
    expect(wc.simulateWindowOpen('http://127.0.0.1:8080/')).toEqual({ action: 'deny' });
    expect(fakeControl.openedExternally).toEqual([]);
  });
});

describe('the built index.html', () => {
  it('carries the same Content-Security-Policy meta tag as the header', () => {
    const html = readFileSync(join(root, 'out', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('single instance (bundle)', () => {
  it('quits at once, without a window, when another vmdesk holds the lock', async () => {
    resetFakeElectron();
    app.removeAllListeners();
    fakeControl.singleInstanceLock = false;
    await import(/* @vite-ignore */ `${pathToFileURL(join(root, 'out/main/index.js')).href}?single-instance`);
    expect(fakeControl.quitCompleted).toBe(true);
    expect(FakeBrowserWindow.windows).toHaveLength(0);
    expect(ipcMain.handlers.size).toBe(0);
    resetFakeElectron();
  });
});
